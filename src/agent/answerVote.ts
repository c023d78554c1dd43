// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * One candidate's `@name[value]` answers, and whether it may vote.
 */
export interface IVoter {
  answers: Map<string, string>;
  /**
   * The candidate's turn completed with a grounded answer (not given up, not `unverified`).
   */
  completed: boolean;
}

/**
 * The outcome of a vote on one sub-answer.
 */
export interface ISubAnswerVote {
  name: string;
  /**
   * The winning value as the first candidate holding it wrote it, or `null` when none answered.
   */
  value: string | null;
  /**
   * Votes per normalised value, in the order the values first appeared.
   */
  votes: Record<string, number>;
}

/**
 * Vote on each sub-answer of a question among its candidates: only the candidates that completed
 * vote, unless none did (then all do); per name, the most common value after normalising wins,
 * ties going to the value that appeared first (the earlier candidate's). The labels take no part.
 *
 * @param names - the question's sub-answer names, in order.
 * @param voters - the candidates, in order.
 * @returns the answers the vote chose, and each name's count.
 */
export function voteOnAnswers(
  names: readonly string[],
  voters: readonly IVoter[]
): { answers: Map<string, string>; votes: ISubAnswerVote[]; voting: number[] } {
  const completed = voters.flatMap((voter, index) => (voter.completed ? [index] : []));
  const voting = completed.length ? completed : voters.map((_, index) => index);
  const answers = new Map<string, string>();
  const votes = names.map(name => {
    const counts = new Map<string, { count: number; written: string }>();
    for (const index of voting) {
      const value = Private.valueOf(voters[index].answers, name);
      if (value === undefined) {
        continue;
      }
      const key = normaliseAnswer(value);
      const entry = counts.get(key) ?? { count: 0, written: value };
      entry.count++;
      counts.set(key, entry);
    }
    let winner: { count: number; written: string } | undefined;
    // Maps keep insertion order and only a larger count replaces: ties go to the first value.
    for (const entry of counts.values()) {
      if (!winner || entry.count > winner.count) {
        winner = entry;
      }
    }
    if (winner) {
      answers.set(name, winner.written);
    }
    return {
      name,
      value: winner?.written ?? null,
      votes: Object.fromEntries([...counts].map(([key, entry]) => [key, entry.count]))
    };
  });
  return { answers, votes, voting };
}

/**
 * Whether the candidates still to come can no longer change the vote, so need not run: at least
 * one candidate completed (those to come then vote beside it, never instead of it), and for every
 * name the leading value has more votes than any other could reach with all of them. The vote
 * the remaining candidates would make is then the same, and so is the candidate chosen; with
 * K = 3, two completed candidates that agree settle it.
 *
 * @param names - the sub-answer names, in order.
 * @param voters - the candidates so far, in order.
 * @param remaining - how many candidates are still to come.
 * @returns whether the vote is settled.
 */
export function voteIsSettled(names: readonly string[], voters: readonly IVoter[], remaining: number): boolean {
  if (remaining <= 0) {
    return true;
  }
  if (!voters.some(voter => voter.completed)) {
    return false;
  }
  return voteOnAnswers(names, voters).votes.every(vote => {
    const [first = 0, second = 0] = Object.values(vote.votes).sort((a, b) => b - a);
    return first > second + remaining;
  });
}

/**
 * An answer as the scorer sees it, so that answers it would treat alike count as one: trimmed,
 * lower case, blanks collapsed; a number in its shortest form (`3.50` and `3.5` agree); a comma
 * list item by item.
 *
 * @param value - the answer as written.
 * @returns the normalised answer.
 */
export function normaliseAnswer(value: string): string {
  return value
    .split(',')
    .map(item => {
      const text = item.trim().toLowerCase().replace(/\s+/g, ' ');
      const number = Number(text);
      return text !== '' && Number.isFinite(number) ? String(number) : text;
    })
    .join(',');
}

namespace Private {
  /**
   * A candidate's value for a name: the exact name first, then another case (as the scorer).
   */
  export function valueOf(answers: Map<string, string>, name: string): string | undefined {
    if (answers.has(name)) {
      return answers.get(name);
    }
    const lower = name.toLowerCase();
    return [...answers].find(([key]) => key.toLowerCase() === lower)?.[1];
  }
}
