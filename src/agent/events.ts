// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type * as nbformat from '@jupyterlab/nbformat';

import type { IExecutionResult } from '../kernel/executionResult';
import type { ChatMessage, ModelProtocol, TurnOutcome } from '../conversation/conversationRecord';
import type { IModelUsage } from '../model/modelClient';
import type { RevisionReviewOutcome } from './revisionReview';
import type { IDroppedItem } from './savedConversation';

/**
 * Everything the agent does, as it happens: what a UI or the command line renders, and what a
 * transcript records.
 */
export type AgentEvent =
  | AgentEvent.ITurnStart
  | AgentEvent.IModelRequest
  | AgentEvent.IModelDelta
  | AgentEvent.IModelResponse
  | AgentEvent.IModelRetry
  | AgentEvent.IProtocolFallback
  | AgentEvent.ICellInserted
  | AgentEvent.ICellRevised
  | AgentEvent.IRevisionReview
  | AgentEvent.IRevisionReviewed
  | AgentEvent.IExecutionSkipped
  | AgentEvent.IExecutionStart
  | AgentEvent.IExecutionOutput
  | AgentEvent.IExecutionEnd
  | AgentEvent.IKernelRestarted
  | AgentEvent.IFeedback
  | AgentEvent.IFeedbackDelivered
  | AgentEvent.IWarning
  | AgentEvent.IUngroundedAnswer
  | AgentEvent.ISavedConversation
  | AgentEvent.ITurnEnd;

/**
 * The event types.
 */
export namespace AgentEvent {
  /**
   * A user turn begins.
   */
  export interface ITurnStart {
    type: 'turn-start';
    turn: number;
    prompt: string;
  }

  /**
   * A request goes to the model.
   */
  export interface IModelRequest {
    type: 'model-request';
    protocol: ModelProtocol;
    messages: ChatMessage[];
    tools: boolean;
  }

  /**
   * Text of the model's answer arrived (special tokens already removed).
   */
  export interface IModelDelta {
    type: 'model-delta';
    text: string;
  }

  /**
   * The model's answer is complete.
   */
  export interface IModelResponse {
    type: 'model-response';
    content: string;
    toolCalls: { id: string; name: string; arguments: string }[];
    finishReason: string | null;
    usage: IModelUsage;
  }

  /**
   * The model request failed in a way worth retrying; the agent tries again.
   */
  export interface IModelRetry {
    type: 'model-retry';
    reason: string;
    attempt: number;
  }

  /**
   * The endpoint rejected tools; the conversation continues with the text protocol.
   */
  export interface IProtocolFallback {
    type: 'protocol-fallback';
    reason: string;
  }

  /**
   * The agent inserted a cell.
   */
  export interface ICellInserted {
    type: 'cell-inserted';
    cellId: string;
    cellType: 'code' | 'markdown';
    source: string;
  }

  /**
   * The agent replaced a cell's source (a revision after a failure, or an edit the model asked for).
   */
  export interface ICellRevised {
    type: 'cell-revised';
    cellId: string;
    source: string;
    previousSource: string;
  }

  /**
   * A revision of the person's own cell waits for their review; the cell is unchanged until then.
   */
  export interface IRevisionReview {
    type: 'revision-review';
    cellId: string;
    previousSource: string;
    proposedSource: string;
  }

  /**
   * The review of a revision ended; `source` is what the cell holds now.
   */
  export interface IRevisionReviewed {
    type: 'revision-reviewed';
    cellId: string;
    outcome: RevisionReviewOutcome;
    source: string | undefined;
  }

  /**
   * An execution did not happen (the approval hook said skip, or the cell is gone).
   */
  export interface IExecutionSkipped {
    type: 'execution-skipped';
    cellId: string;
    reason: string;
  }

  /**
   * A cell starts running.
   */
  export interface IExecutionStart {
    type: 'execution-start';
    cellId: string;
    attempt: number;
    maxAttempts: number;
  }

  /**
   * The running cell's outputs changed.
   */
  export interface IExecutionOutput {
    type: 'execution-output';
    cellId: string;
    outputs: readonly nbformat.IOutput[];
  }

  /**
   * A cell finished running.
   */
  export interface IExecutionEnd {
    type: 'execution-end';
    cellId: string;
    attempt: number;
    maxAttempts: number;
    result: IExecutionResult;
  }

  /**
   * The kernel was restarted; its state is lost.
   */
  export interface IKernelRestarted {
    type: 'kernel-restarted';
    reason: string;
  }

  /**
   * What the model is told about an execution.
   */
  export interface IFeedback {
    type: 'feedback';
    cellId: string;
    text: string;
    images: number;
    tokens: number;
  }

  /**
   * A message the person sent while the turn ran (`Agent.stepIn`) was given to the model: it is
   * in the conversation from here on, before the next model request. Emitted once per message, in
   * the order they were sent.
   */
  export interface IFeedbackDelivered {
    type: 'feedback-delivered';
    /**
     * What the person wrote, as they wrote it.
     */
    text: string;
  }

  /**
   * Something went wrong that does not end the turn (a deleted cell, malformed tool arguments).
   */
  export interface IWarning {
    type: 'warning';
    message: string;
  }

  /**
   * The model's final answer states figures that no output shows ("not computed by any cell"),
   * or it ran no code for a question about data.
   */
  export interface IUngroundedAnswer {
    type: 'ungrounded-answer';
    /**
     * The figures as the answer wrote them (empty when the fault is that nothing ran).
     */
    figures: string[];
    /**
     * Whether no code ran for a question that needs it.
     */
    ranNothing: boolean;
    /**
     * Whether the model is asked to compute them now (once a turn); otherwise the turn ends
     * `unverified`.
     */
    willAsk: boolean;
  }

  /**
   * The conversation saved in the notebook held parts that are not sent to the model (a system
   * message, an unknown role, a call to a tool that is not a notebook tool, junk): emitted once,
   * at the start of the agent's first turn, before its first model request.
   */
  export interface ISavedConversation {
    type: 'saved-conversation';
    /**
     * What was dropped.
     */
    dropped: IDroppedItem[];
    /**
     * The notice, in one sentence.
     */
    message: string;
  }

  /**
   * The turn ended.
   */
  export interface ITurnEnd {
    type: 'turn-end';
    outcome: TurnOutcome;
    /**
     * Why, in one sentence, when the outcome is not `completed`.
     */
    reason?: string;
    /**
     * The answer's figures that no output shows, when the outcome is `unverified`.
     */
    ungrounded?: string[];
    executions: number;
    tokens: number;
    durationMs: number;
  }
}
