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
   * The gate thresholds sent as execution input.
   *
   * @param maxDriftRatio highest tolerated ratio of drifted keys to keys checked
   * @param failOnIncomplete fail when a shard could not be fully validated
   * @param failOnRegression fail when a key that was consistent in the baseline now drifts
   */
  public record GateInput(double maxDriftRatio, boolean failOnIncomplete, boolean failOnRegression) {

    public static GateInput defaults() {
      return new GateInput(0.001, true, true);
    }

    /** The execution input: {@code {"mode":"gate","gate":{...}}}. */
    public Map<String, Object> toExecutionInput() {
      var gate = new LinkedHashMap<String, Object>();
      gate.put("maxDriftRatio", maxDriftRatio);
      gate.put("failOnIncomplete", failOnIncomplete);
      gate.put("failOnRegression", failOnRegression);
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
