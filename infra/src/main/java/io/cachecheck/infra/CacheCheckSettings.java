package io.cachecheck.infra;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import software.constructs.Node;

/**
 * The deployment inputs, read from CDK context ({@code -c name=value} or {@code cdk.json}).
 *
 * <p>Each setting is read once, here, with its default; docs/infrastructure.md lists them. A missing
 * or contradictory input fails synth with a message that names the context key to set.
 *
 * @param demo create a small VPC, RDS PostgreSQL and ElastiCache Redis for evaluation instead of
 *     using existing ones
 * @param network where the validator functions run (ignored when {@code demo})
 * @param database how the functions authenticate to the database
 * @param cache how the functions reach Redis
 * @param contractLocation {@code s3://bucket/key}, {@code classpath:...}, or a local file bundled as
 *     an asset
 * @param scheduleExpression EventBridge Scheduler expression for the scheduled run
 * @param alertEmail optional email subscribed to the summary topic (alarms go there too)
 * @param examplePipeline also create an example CodePipeline with the consistency gate
 * @param thresholds alarm thresholds
 * @param keyHmacSecretArn optional secret holding the key used to HMAC cache keys in findings
 * @param cellSecretNamePrefix optional Secrets Manager name prefix (e.g. {@code cachecheck/cells/}) under which
 *     a cell contract's per-cell secrets live; the functions may read every secret of this account and region
 *     whose name starts with it
 * @param logLevel {@code POWERTOOLS_LOG_LEVEL} of the functions
 */
public record CacheCheckSettings(
    boolean demo,
    Network network,
    Database database,
    Cache cache,
    String contractLocation,
    String scheduleExpression,
    String alertEmail,
    boolean examplePipeline,
    Thresholds thresholds,
    String keyHmacSecretArn,
    String cellSecretNamePrefix,
    String logLevel) {

  static final String DEFAULT_SCHEDULE = "rate(1 day)";
  static final String DEMO_CONTRACT = "classpath:contract.yaml";

  /**
   * An existing VPC. {@code availabilityZones} must list the AZ of each subnet (same order), because
   * {@code Vpc.fromVpcAttributes} needs them and {@code Vpc.fromLookup} would need AWS credentials at
   * synth.
   */
  public record Network(
      String vpcId,
      String vpcCidr,
      List<String> availabilityZones,
      List<String> privateSubnetIds,
      List<String> securityGroupIds) {}

  /**
   * Database access: a Secrets Manager secret, IAM database authentication, or both. {@code
   * endpoint} ({@code host:port}) is optional and only passed to the functions, for the contract to
   * reference as {@code ${CACHECHECK_DB_ENDPOINT}}.
   */
  public record Database(
      int port, String endpoint, String secretArn, boolean iamAuth, String resourceId, String user) {}

  /** Redis access. {@code authSecretArn} holds the AUTH token, when the cache requires one. */
  public record Cache(int port, String endpoint, boolean tls, String authSecretArn) {}

  /** Alarm thresholds. */
  public record Thresholds(double minConsistencyScore, double maxDriftedKeys) {}

  /** Reads and validates the settings from the context of {@code node} (usually the App's). */
  public static CacheCheckSettings fromContext(Node node) {
    var ctx = new Context(node);
    boolean demo = ctx.bool("demo", false);
    var network =
        new Network(
            ctx.string("vpcId"),
            ctx.string("vpcCidr"),
            ctx.list("availabilityZones"),
            ctx.list("privateSubnetIds"),
            ctx.list("securityGroupIds"));
    var database =
        new Database(
            ctx.integer("dbPort", 5432),
            ctx.string("dbEndpoint"),
            ctx.string("dbSecretArn"),
            ctx.bool("iamDbAuth", false),
            ctx.string("dbResourceId"),
            ctx.string("dbUser"));
    var cache =
        new Cache(
            ctx.integer("cachePort", 6379),
            ctx.string("cacheEndpoint"),
            ctx.bool("cacheTls", true),
            ctx.string("cacheAuthSecretArn"));
    String contract = ctx.string("contractLocation");
    var settings =
        new CacheCheckSettings(
            demo,
            network,
            database,
            cache,
            contract == null && demo ? DEMO_CONTRACT : contract,
            orDefault(ctx.string("scheduleExpression"), DEFAULT_SCHEDULE),
            ctx.string("alertEmail"),
            ctx.bool("examplePipeline", false),
            new Thresholds(
                ctx.decimal("minConsistencyScore", 99.9), ctx.decimal("maxDriftedKeys", 0)),
            ctx.string("keyHmacSecretArn"),
            ctx.string("cellSecretNamePrefix"),
            orDefault(ctx.string("logLevel"), "INFO"));
    settings.validate();
    return settings;
  }

  private void validate() {
    if (contractLocation == null) {
      throw missing("contractLocation", "s3://my-bucket/cachecheck/contract.yaml or a local file path");
    }
    if (cellSecretNamePrefix != null && !cellSecretNamePrefix.matches("[A-Za-z0-9/_+=.@-]+")) {
      // a wildcard or another character would widen the grant beyond one name prefix, or never match a name
      throw new IllegalArgumentException(
          "Context 'cellSecretNamePrefix' must be the start of a secret name (letters, digits and /_+=.@-,"
              + " no wildcard), got '" + cellSecretNamePrefix + "', e.g. -c cellSecretNamePrefix=cachecheck/cells/");
    }
    if (demo) {
      return;
    }
    if (network.vpcId() == null) {
      throw missing("vpcId", "vpc-0123456789abcdef0 (or pass -c demo=true to create one)");
    }
    if (network.privateSubnetIds().isEmpty()) {
      throw missing("privateSubnetIds", "subnet-aaa,subnet-bbb");
    }
    if (network.availabilityZones().size() != network.privateSubnetIds().size()) {
      throw new IllegalArgumentException(
          "Context 'availabilityZones' must list the availability zone of each of the "
              + network.privateSubnetIds().size()
              + " privateSubnetIds, in the same order, e.g. -c availabilityZones=eu-west-1a,eu-west-1b");
    }
    // With per-cell secrets the contract's source.auth names each cell's database secret (dbSecretArn would
    // replace it), so none of the three is required then.
    if (database.secretArn() == null && !database.iamAuth() && cellSecretNamePrefix == null) {
      throw missing("dbSecretArn", "the ARN of a secret with username/password, -c iamDbAuth=true, or for a"
          + " cell contract -c cellSecretNamePrefix=cachecheck/cells/");
    }
    if (database.iamAuth() && (database.resourceId() == null || database.user() == null)) {
      throw new IllegalArgumentException(
          "IAM database authentication needs -c dbResourceId=db-ABCDEFGHIJKL (the DbiResourceId"
              + " of the instance or cluster) and -c dbUser=<database user granted rds_iam>");
    }
  }

  private static IllegalArgumentException missing(String key, String example) {
    return new IllegalArgumentException(
        "Missing CDK context '" + key + "'. Pass it with -c " + key + "=<value>, e.g. " + example
            + ". See docs/infrastructure.md.");
  }

  private static String orDefault(String value, String fallback) {
    return value == null ? fallback : value;
  }

  /** Context values arrive as strings from {@code -c} and as JSON values from cdk.json. */
  private record Context(Node node) {
    String string(String key) {
      Object value = node.tryGetContext(key);
      if (value == null || value.toString().isBlank()) {
        return null;
      }
      return value.toString().trim();
    }

    boolean bool(String key, boolean fallback) {
      String value = string(key);
      if (value == null) {
        return fallback;
      }
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1" -> true;
        case "false", "no", "0" -> false;
        default -> throw new IllegalArgumentException(
            "Context '" + key + "' must be true or false, got '" + value + "'");
      };
    }

    int integer(String key, int fallback) {
      return (int) decimal(key, fallback);
    }

    double decimal(String key, double fallback) {
      String value = string(key);
      if (value == null) {
        return fallback;
      }
      try {
        return Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Context '" + key + "' must be a number, got '" + value + "'", e);
      }
    }

    List<String> list(String key) {
      Object value = node.tryGetContext(key);
      if (value == null) {
        return List.of();
      }
      if (value instanceof List<?> items) {
        return items.stream().map(Object::toString).map(String::trim).toList();
      }
      return Arrays.stream(value.toString().split(","))
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .toList();
    }
  }
}
