// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import {
  SETTING_DEFINITIONS,
  THOROUGH_SAMPLING_DEFINITIONS,
  type IChoiceSettingDefinition,
  type INumberSettingDefinition
} from '../agent/settingDefinitions';
import type { Effort } from '../eval/evalSummary';
import { UsageError } from './commonOptions';
import { parseChoiceOption, parseSettingOption, settingHelp } from './settingOptions';

/**
 * The options of the effort, as node's `util.parseArgs` takes them (`eval` on every dataset).
 */
export const EFFORT_OPTIONS = {
  effort: { type: 'string' },
  candidates: { type: 'string' },
  'candidate-temperature': { type: 'string' },
  seed: { type: 'string' }
} as const;

/**
 * The defaults and bounds of the effort's options.
 */
export const EFFORT_DEFINITIONS = {
  effort: SETTING_DEFINITIONS.effort as IChoiceSettingDefinition<Effort>,
  candidates: SETTING_DEFINITIONS.candidates as INumberSettingDefinition,
  candidateTemperature: THOROUGH_SAMPLING_DEFINITIONS.candidateTemperature as INumberSettingDefinition,
  seed: THOROUGH_SAMPLING_DEFINITIONS.seed as INumberSettingDefinition
};

/**
 * The help lines of the effort's options.
 */
export const EFFORT_HELP = `Effort options:
  --effort fast|thorough      fast (default): one answer per attempt, greedy. thorough: K answers
                              per task, the first greedy (fast's own), the others sampled, each its
                              own request with its own seed, each run in isolation, one chosen by
                              execution (below; ties go to the greedy one)
  --candidates K              thorough's answers per task (${settingHelp(EFFORT_DEFINITIONS.candidates)}); for k = 1
                              measure --effort fast (thorough's first candidate is its answer)
  --candidate-temperature T   the sampled candidates' temperature (default 0.8; above 0, at most 2)
  --seed N                    candidate i is sent seed N + i (default 1), so a run is reproducible
                              where the endpoint honours seeds (llama.cpp does)`;

/**
 * The thorough effort's sampling, from the options; `undefined` for the fast effort.
 *
 * @param values - the parsed options.
 * @returns the number of candidates, their temperature and the first seed.
 * @throws {UsageError} when a value is out of bounds, or a thorough option is given with fast.
 */
export function parseEffort(values: {
  effort?: string;
  candidates?: string;
  'candidate-temperature'?: string;
  seed?: string;
}): { candidates: number; temperature: number; seed: number } | undefined {
  const effort = parseChoiceOption('--effort', values.effort, EFFORT_DEFINITIONS.effort);
  const candidates = parseSettingOption('--candidates', values.candidates, EFFORT_DEFINITIONS.candidates);
  const temperature = parseSettingOption(
    '--candidate-temperature',
    values['candidate-temperature'],
    EFFORT_DEFINITIONS.candidateTemperature
  );
  const seed = parseSettingOption('--seed', values.seed, EFFORT_DEFINITIONS.seed);
  if (effort === 'fast') {
    const given = (['candidates', 'candidate-temperature', 'seed'] as const).filter(name => values[name] !== undefined);
    if (given.length) {
      throw new UsageError(`--${given[0]} applies to --effort thorough only.`);
    }
    return undefined;
  }
  if (temperature <= 0) {
    throw new UsageError('--candidate-temperature must be above 0: greedy candidates would all be the same answer.');
  }
  return { candidates, temperature, seed };
}
