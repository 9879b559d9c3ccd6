package io.cachecheck.infra.constructs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * The cachecheck dashboard and alarms. Alarms notify the summary topic.
 *
 * <p>Consistency metrics come from the Aggregate function (EMF, namespace {@code CacheCheck},
 * dimension {@code Service=cachecheck}). No data means no run in the period, which is not an alarm:
 * a missed run shows up as no execution, and failed executions alarm on their own.
 */
public final class Monitoring extends Construct {

  public static final String NAMESPACE = "CacheCheck";
  private static final Map<String, String> DIMENSIONS = Map.of("Service", "cachecheck");
  /** Alarm when a function's longest run reaches this share of its timeout. */
  private static final double NEAR_TIMEOUT = 0.8;

  /**
   * @param stateMachine the validation workflow
   * @param functions the Lambda functions to watch
   * @param topic where alarms notify
   * @param minConsistencyScore alarm below this score (0-100)
   * @param maxDriftedKeys alarm above this number of drifted keys in one run
   */
  public record Props(
      StateMachine stateMachine,
      List<Function> functions,
      ITopic topic,
      double minConsistencyScore,
      double maxDriftedKeys) {}

  private final List<Alarm> alarms = new ArrayList<>();
  private final Dashboard dashboard;

  public Monitoring(Construct scope, String id, Props props) {
    super(scope, id);
    var period = Duration.hours(1);
    var score = runMetric("ConsistencyScore", "Minimum", period);
    var drifted = runMetric("DriftedKeys", "Maximum", period);
    var incomplete = runMetric("IncompleteRuns", "Sum", period);
    alarm("ConsistencyScoreLow", score, props.minConsistencyScore(),
        ComparisonOperator.LESS_THAN_THRESHOLD, "Consistency score below " + props.minConsistencyScore());
    alarm("DriftedKeys", drifted, props.maxDriftedKeys(),
        ComparisonOperator.GREATER_THAN_THRESHOLD, "More than " + props.maxDriftedKeys() + " drifted keys in a run");
    alarm("IncompleteRuns", incomplete, 1,
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, "A run ended INCOMPLETE");
    var failed = props.stateMachine().metricFailed(sum(Duration.minutes(5)));
    var timedOut = props.stateMachine().metricTimedOut(sum(Duration.minutes(5)));
    alarm("ExecutionsFailed", failed, 1,
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, "A validation execution failed (includes gate failures)");
    alarm("ExecutionsTimedOut", timedOut, 1,
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, "A validation execution timed out");

    var errorMetrics = new ArrayList<IMetric>();
    var durationMetrics = new ArrayList<IMetric>();
    for (Function function : props.functions()) {
      String name = function.getNode().getId();
      var errors = function.metricErrors(sum(Duration.minutes(5)));
      var duration = function.metricDuration(
          MetricOptions.builder().statistic("Maximum").period(Duration.minutes(5)).build());
      double limitMillis = function.getTimeout().toMilliseconds().doubleValue() * NEAR_TIMEOUT;
      alarm(name + "Errors", errors, 1,
          ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, name + " raised errors");
      alarm(name + "NearTimeout", duration, limitMillis,
          ComparisonOperator.GREATER_THAN_THRESHOLD, name + " ran longer than 80% of its timeout");
      errorMetrics.add(errors);
      durationMetrics.add(duration);
    }
    var snsAction = new SnsAction(props.topic());
    alarms.forEach(a -> a.addAlarmAction(snsAction));

    dashboard = Dashboard.Builder.create(this, "Dashboard").build();
    dashboard.addWidgets(
        graph("Consistency score", List.of(score)),
        graph("Keys by class", List.of(
            runMetric("KeysChecked", "Sum", period), drifted,
            runMetric("StaleKeys", "Sum", period), runMetric("OrphanKeys", "Sum", period),
            runMetric("CorruptKeys", "Sum", period), runMetric("UnmappedKeys", "Sum", period),
            runMetric("InFlightKeys", "Sum", period))));
    dashboard.addWidgets(
        graph("Incomplete runs and regressions", List.of(incomplete, runMetric("Regressions", "Sum", period))),
        graph("Executions", List.of(
            props.stateMachine().metricSucceeded(sum(Duration.minutes(5))), failed, timedOut)));
    dashboard.addWidgets(
        graph("Lambda errors", errorMetrics),
        graph("Lambda max duration (ms)", durationMetrics),
        graph("Shard duration (ms)", List.of(runMetric("ShardDurationMillis", "Maximum", period))));
  }

  private static Metric runMetric(String name, String statistic, Duration period) {
    return Metric.Builder.create()
        .namespace(NAMESPACE)
        .metricName(name)
        .dimensionsMap(DIMENSIONS)
        .statistic(statistic)
        .period(period)
        .build();
  }

  private static MetricOptions sum(Duration period) {
    return MetricOptions.builder().statistic("Sum").period(period).build();
  }

  private void alarm(
      String id, IMetric metric, double threshold, ComparisonOperator operator, String description) {
    alarms.add(
        Alarm.Builder.create(this, id)
            .metric(metric)
            .threshold(threshold)
            .comparisonOperator(operator)
            .evaluationPeriods(1)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .alarmDescription("cachecheck: " + description)
            .build());
  }

  private static IWidget graph(String title, List<? extends IMetric> metrics) {
    return GraphWidget.Builder.create().title(title).left(List.copyOf(metrics)).width(8).build();
  }

  public List<Alarm> alarms() {
    return List.copyOf(alarms);
  }

  public Dashboard dashboard() {
    return dashboard;
  }
}
