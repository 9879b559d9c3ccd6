package io.cachecheck.infra.constructs;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The three cachecheck Lambda functions (DiscoverShards, ValidateShard, Aggregate), each with a
 * {@code live} alias on its current published version.
 *
 * <p>All three run in the VPC: DiscoverShards reads the database, ValidateShard reads Redis and the
 * database, Aggregate runs opt-in remediation against Redis. The state machine invokes the aliases,
 * because SnapStart snapshots exist only for published versions.
 */
public final class ValidatorFunctions extends Construct {

  /** Name of the alias the state machine invokes. */
  public static final String ALIAS_NAME = "live";

  private static final String HANDLER_PACKAGE = "io.cachecheck.handler.";

  /** What the functions need from the stack. */
  public record Props(
      Code code,
      IVpc vpc,
      SubnetSelection subnets,
      List<ISecurityGroup> securityGroups,
      Map<String, String> environment,
      RetentionDays logRetention) {}

  private final Function discoverShards;
  private final Function validateShard;
  private final Function aggregate;
  private final Alias discoverShardsAlias;
  private final Alias validateShardAlias;
  private final Alias aggregateAlias;

  public ValidatorFunctions(Construct scope, String id, Props props) {
    super(scope, id);
    // Lists tenants and splits them into shards: a few queries, little memory.
    discoverShards =
        createFunction(props, "DiscoverShards", 1024, Duration.minutes(2), "Lists tenants and plans shards");
    // The heavy step: scans a shard of Redis keys and compares them with database rows. 2048 MB gives
    // about 1.2 vCPU for canonicalising and digesting; 15 minutes is the Lambda maximum, and the
    // handler stops before the deadline and reports the shard as incomplete instead of timing out.
    validateShard =
        createFunction(props, "ValidateShard", 2048, Duration.minutes(15), "Validates one shard of keys");
    // Merges shard results, compares with the baseline, writes the audit log, publishes the summary
    // and runs opt-in remediation: I/O bound, moderate memory.
    aggregate =
        createFunction(props, "Aggregate", 1024, Duration.minutes(5), "Aggregates shard results, gate decision");
    discoverShardsAlias = createAlias(discoverShards);
    validateShardAlias = createAlias(validateShard);
    aggregateAlias = createAlias(aggregate);
  }

  private Function createFunction(
      Props props, String name, int memoryMb, Duration timeout, String description) {
    var logGroup =
        LogGroup.Builder.create(this, name + "Logs")
            .retention(props.logRetention())
            // Operational logs only; audit records live in the bucket, which is retained.
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    return Function.Builder.create(this, name)
        .description("cachecheck: " + description)
        .runtime(Runtime.JAVA_21)
        .architecture(Architecture.ARM_64)
        .handler(HANDLER_PACKAGE + name + "Handler::handleRequest")
        .code(props.code())
        .memorySize(memoryMb)
        .timeout(timeout)
        .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
        .tracing(Tracing.ACTIVE)
        .logGroup(logGroup)
        .vpc(props.vpc())
        .vpcSubnets(props.subnets())
        .securityGroups(props.securityGroups())
        .environment(props.environment())
        .build();
  }

  private Alias createAlias(Function function) {
    // The alias publishes the version SnapStart snapshots, so CDK's reminder does not apply.
    Annotations.of(function).acknowledgeWarning(
        "@aws-cdk/aws-lambda:snapStartRequirePublish", "published through the live alias");
    return Alias.Builder.create(function, "LiveAlias")
        .aliasName(ALIAS_NAME)
        .version(function.getCurrentVersion())
        .build();
  }

  public Function discoverShards() {
    return discoverShards;
  }

  public Function validateShard() {
    return validateShard;
  }

  public Function aggregate() {
    return aggregate;
  }

  public List<Function> all() {
    return List.of(discoverShards, validateShard, aggregate);
  }

  public Alias discoverShardsAlias() {
    return discoverShardsAlias;
  }

  public Alias validateShardAlias() {
    return validateShardAlias;
  }

  public Alias aggregateAlias() {
    return aggregateAlias;
  }

  public List<Alias> aliases() {
    return List.of(discoverShardsAlias, validateShardAlias, aggregateAlias);
  }
}
