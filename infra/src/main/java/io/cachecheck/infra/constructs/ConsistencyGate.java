package io.cachecheck.infra.constructs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.services.codepipeline.IStage;
import software.amazon.awscdk.services.codepipeline.actions.StateMachineInput;
import software.amazon.awscdk.services.codepipeline.actions.StepFunctionInvokeAction;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * A pre-rollout consistency gate for any CodePipeline: a Step Functions invoke action that starts
 * the cachecheck state machine in {@code gate} mode.
 *
 * <p>CodePipeline waits for a Standard workflow and fails the stage when the execution fails, times
 * out or is aborted, so a run whose drift exceeds the gate ends in {@code ConsistencyGateFailed} and
 * blocks promotion.
 *
 * <pre>{@code
 * var gate = new ConsistencyGate(this, "Gate", new ConsistencyGate.Props(stateMachine, GateInput.defaults()));
 * pipeline.addStage(StageOptions.builder().stageName("PreRolloutGate")
 *     .actions(List.of(gate.action())).build());
 * }</pre>
 */
public final class ConsistencyGate extends Construct {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The gate thresholds sent as execution input. Unset values take the defaults of the execution-input parser
   * ({@code io.cachecheck.workflow.ExecutionInputParser}), so a gate and a manual run judge alike.
   *
   * @param maxDriftRatio highest tolerated ratio of drifted keys to keys checked
   * @param failOnIncomplete fail when a shard could not be fully validated
   * @param failOnRegression fail when the run regressed against the baseline (a newly drifting key, or a
   *     tenant/namespace score that dropped by more than {@code scoreTolerance}); parser default false
   * @param scoreTolerance how far (0..1) a tenant/namespace score may drop before it is a regression;
   *     parser default 0.01
   */
  public record GateInput(double maxDriftRatio, boolean failOnIncomplete, boolean failOnRegression,
      double scoreTolerance) {
    /** The parser's default of {@code gate.failOnRegression}. */
    public static final boolean DEFAULT_FAIL_ON_REGRESSION = false;
    /** The parser's default of {@code gate.scoreTolerance}. */
    public static final double DEFAULT_SCORE_TOLERANCE = 0.01;

    public GateInput {
      if (!(maxDriftRatio >= 0 && maxDriftRatio <= 1)) {
        throw new IllegalArgumentException("maxDriftRatio must be from 0 to 1, was " + maxDriftRatio);
      }
      if (!(scoreTolerance >= 0 && scoreTolerance <= 1)) {
        throw new IllegalArgumentException("scoreTolerance must be from 0 to 1 (e.g. 0.01), was " + scoreTolerance);
      }
    }

    /** Thresholds with the parser's default score tolerance. */
    public GateInput(double maxDriftRatio, boolean failOnIncomplete, boolean failOnRegression) {
      this(maxDriftRatio, failOnIncomplete, failOnRegression, DEFAULT_SCORE_TOLERANCE);
    }

    /**
     * At most one drifted key per thousand; incomplete runs fail; and, unlike a manual run's default, regressions fail
     * too: a pre-rollout gate exists to stop a promotion that made things worse (events/cache-validation-gate.json).
     */
    public static GateInput defaults() {
      return new GateInput(0.001, true, true, DEFAULT_SCORE_TOLERANCE);
    }

    /** The same thresholds with another score tolerance. */
    public GateInput withScoreTolerance(double tolerance) {
      return new GateInput(maxDriftRatio, failOnIncomplete, failOnRegression, tolerance);
    }

    /** The same thresholds with regressions failing the gate, or not. */
    public GateInput withFailOnRegression(boolean fail) {
      return new GateInput(maxDriftRatio, failOnIncomplete, fail, scoreTolerance);
    }

    /** The execution input: {@code {"mode":"gate","gate":{...}}}. */
    public Map<String, Object> toExecutionInput() {
      var gate = new LinkedHashMap<String, Object>();
      gate.put("maxDriftRatio", maxDriftRatio);
      gate.put("failOnIncomplete", failOnIncomplete);
      gate.put("failOnRegression", failOnRegression);
      gate.put("scoreTolerance", scoreTolerance);
      var input = new LinkedHashMap<String, Object>();
      input.put("mode", "gate");
      input.put("gate", gate);
      return input;
    }
  }

  /**
   * @param stateMachine the cachecheck state machine (a Standard workflow)
   * @param input the thresholds for this pipeline
   */
  public record Props(IStateMachine stateMachine, GateInput input) {}

  private final StepFunctionInvokeAction action;

  public ConsistencyGate(Construct scope, String id, Props props) {
    super(scope, id);
    action =
        StepFunctionInvokeAction.Builder.create()
            .actionName("ConsistencyGate")
            .stateMachine(props.stateMachine())
            .stateMachineInput(StateMachineInput.literal(
                JSON.valueToTree(props.input().toExecutionInput())))
            .executionNamePrefix("gate")
            .build();
  }

  /** The action to place in a pipeline stage. */
  public StepFunctionInvokeAction action() {
    return action;
  }

  /** Adds the gate action to an existing stage. */
  public void addTo(IStage stage) {
    stage.addAction(action);
  }
}
