// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import evalDriverSource from '../../jupyterlab_code_interpreter/kernel_side/eval_driver.py';
import { pythonJson, pythonModule } from '../kernel/kernelSidePython';

/**
 * The comm target the kernel-side driver registers; payloads (task data, expected outputs) travel
 * over it so that they never enter the kernel's input history.
 */
export const DRIVER_COMM_TARGET = 'code-interpreter-eval';

/**
 * The MIME type of the display_data message that carries a driver call's answer.
 */
export const DRIVER_RESULT_MIME = 'application/vnd.code-interpreter.eval+json';

/**
 * The name of the driver object in the kernel's namespace.
 */
export const DRIVER_NAME = '__code_interpreter_eval__';

/**
 * The code that installs the Python side of the benchmark harness in a kernel, run once in each.
 *
 * The driver is jupyterlab_code_interpreter/kernel_side/eval_driver.py (its operations are
 * described there), run in a globals dict of its own; its `install` registers the comm target and
 * returns the driver object, bound to `DRIVER_NAME`, whose `run(call_id)` method takes the
 * payload sent over the comm under that id and publishes its answer as one display_data message
 * of `DRIVER_RESULT_MIME`.
 */
export const DRIVER_INSTALL_CODE =
  `${DRIVER_NAME} = ${pythonModule(evalDriverSource, '<code-interpreter eval driver>')}['install']` +
  `(**${pythonJson({ comm_target: DRIVER_COMM_TARGET, result_mime: DRIVER_RESULT_MIME })})`;
