// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { LabIcon } from '@jupyterlab/ui-components';

/**
 * The sidebar's icon: a prompt chevron in a speech bubble.
 */
export const codeInterpreterIcon = new LabIcon({
  name: 'jupyterlab-code-interpreter:icon',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<path class="jp-icon3" fill="#616161" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2h-7l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm0 2v11h6v2l2.5-2H20V5H4z"/>' +
    '<path class="jp-icon3" fill="#616161" d="M6.3 8.2l1.4-1.4 3.6 3.7-3.6 3.7-1.4-1.4 2.2-2.3zM12 12.5h5.5v1.8H12z"/>' +
    '</svg>'
});
