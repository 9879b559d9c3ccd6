package io.cachecheck.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * Each function's role may do what its code does, and no more: the secrets it resolves
 * (functions/src/main/java: RedisNodes and JdbcSource resolve cache.auth and source.auth, the key redactor the
 * key-HMAC secret) and the audit-bucket prefixes it reads and writes (the object store has no delete).
 */
class FunctionPermissionsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DB_SECRET = (String) TestStacks.EXISTING_VPC.get("dbSecretArn");
  private static final String CACHE_SECRET = (String) TestStacks.EXISTING_VPC.get("cacheAuthSecretArn");
  private static final String HMAC_SECRET = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:hmac-AbCdEf";
  private static final List<String> FUNCTIONS = List.of("DiscoverShards", "ValidateShard", "Aggregate");

  private static Template template;

  @BeforeAll
  static void synth() {
    template = TestStacks.template(TestStacks.with(TestStacks.EXISTING_VPC, "keyHmacSecretArn", HMAC_SECRET));
  }

  @Test
  void eachFunction_mayReadExactlyTheSecretsItResolves() {
    assertThat(secretsReadBy(template)).isEqualTo(Map.of(
        // RedisNodes.discover resolves cache.auth (standalone too); ShardPlanner queries the database
        "DiscoverShards", Set.of(CACHE_SECRET, DB_SECRET),
        // reads Redis and the database; redacts and seals the keys of its shard result
        "ValidateShard", Set.of(CACHE_SECRET, DB_SECRET, HMAC_SECRET),
        // remediates in Redis only; unseals the keys and redacts the audit log, baseline and summary
        "Aggregate", Set.of(CACHE_SECRET, HMAC_SECRET)));
  }

  /**
   * A cell contract's secretRef names one secret per cell under cellSecretNamePrefix: DiscoverShards resolves them
   * at discovery, ValidateShard connects to its cell, Aggregate remediates in each cell's cache. Each role gets
   * one statement, GetSecretValue on secret:<prefix>* of this account and region, nothing else; without the
   * setting there is no such statement (the test above lists every secret each role may read).
   */
  @Test
  void cellSecretNamePrefix_letsEachFunctionReadTheSecretsUnderThatPrefixOnly() throws Exception {
    var context = TestStacks.with(TestStacks.EXISTING_VPC, "cellSecretNamePrefix", "cachecheck/cells/");
    context.remove("dbSecretArn");
    context.remove("cacheAuthSecretArn");
    var cells = TestStacks.template(context);
    JsonNode prefixArn = JSON.readTree("{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"},"
        + "\":secretsmanager:\",{\"Ref\":\"AWS::Region\"},\":\",{\"Ref\":\"AWS::AccountId\"},"
        + "\":secret:cachecheck/cells/*\"]]}");
    assertThat(secretsReadBy(cells)).isEqualTo(Map.of(
        "DiscoverShards", Set.of(prefixArn.toString()),
        "ValidateShard", Set.of(prefixArn.toString()),
        "Aggregate", Set.of(prefixArn.toString())));
    for (String function : FUNCTIONS) {
      var grants = statements(cells, function).stream()
          .filter(st -> resources(st).contains(prefixArn)).toList();
      assertThat(grants).as(function).hasSize(1);
      assertThat(grants.get(0).get("Action").asText()).isEqualTo("secretsmanager:GetSecretValue");
      assertThat(grants.get(0).get("Effect").asText()).isEqualTo("Allow");
      assertThat(resources(grants.get(0))).containsExactly(prefixArn);
    }
  }

  @Test
  void demo_discoverShards_mayReadTheGeneratedCacheAndDatabaseSecrets() {
    var demo = TestStacks.template(Map.of("demo", "true"));
    String cacheSecret = "{\"Ref\":\"" + logicalId(demo, "AWS::SecretsManager::Secret", "DemoCacheAuthToken") + "\"}";
    String dbSecret = "{\"Ref\":\"" + logicalId(demo, "AWS::SecretsManager::SecretTargetAttachment", "Demo") + "\"}";
    assertThat(secretsReadBy(demo)).isEqualTo(Map.of(
        "DiscoverShards", Set.of(cacheSecret, dbSecret),
        "ValidateShard", Set.of(cacheSecret, dbSecret),
        "Aggregate", Set.of(cacheSecret)));
  }

  @Test
  void eachFunction_readsAndWritesOnlyItsPrefixes_andNoneMayDelete() {
    assertThat(auditBucketAccess("DiscoverShards")).isEqualTo(Map.of(
        "put", Set.of("runs/*")));
    assertThat(auditBucketAccess("ValidateShard")).isEqualTo(Map.of(
        "get", Set.of("runs/*"),
        "put", Set.of("runs/*")));
    assertThat(auditBucketAccess("Aggregate")).isEqualTo(Map.of(
        "get", Set.of("runs/*", "baselines/*"),
        "put", Set.of("baselines/*", "audit/*")));
  }

  /**
   * Aggregate writes the HTML report under audit/ (covered by its audit/* put above, so encrypted by the bucket's
   * KMS key like the audit log) and lists baselines/ for the report's score trend: that needs s3:ListBucket on the
   * bucket itself, which only Aggregate and ValidateShard (its reads) have; DiscoverShards lists nothing.
   */
  @Test
  void aggregate_mayListTheAuditBucket_forTheReportsScoreTrend() {
    assertThat(mayListAuditBucket("Aggregate")).isTrue();
    assertThat(mayListAuditBucket("DiscoverShards")).isFalse();
  }

  private static boolean mayListAuditBucket(String function) {
    String bucket = logicalId(template, "AWS::S3::Bucket", "AuditBucket");
    return statements(template, function).stream().anyMatch(st -> st.get("Action").toString().contains("\"s3:ListBucket\"")
        && resources(st).stream().anyMatch(r -> r.at("/Fn::GetAtt/0").asText().equals(bucket)
            && r.at("/Fn::GetAtt/1").asText().equals("Arn")));
  }

  /** Not only the functions: nothing in the stack may delete objects of the audit bucket. */
  @Test
  void noStatementAnywhere_allowsDeletingFromTheAuditBucket() {
    String bucket = logicalId(template, "AWS::S3::Bucket", "AuditBucket");
    var allows = new ArrayList<JsonNode>();
    JSON.valueToTree(template.toJSON()).get("Resources").forEach(resource -> {
      JsonNode statements = resource.at("/Properties/PolicyDocument/Statement");
      statements.forEach(s -> {
        if ("Allow".equals(s.get("Effect").asText()) && s.get("Resource") != null
            && s.get("Resource").toString().contains(bucket)) {
          allows.add(s);
        }
      });
    });
    assertThat(allows).isNotEmpty()
        .allSatisfy(s -> assertThat(s.get("Action").toString()).doesNotContain("Delete"));
  }

  /** Function name → the secret ARNs (or references) its role may call GetSecretValue on. */
  private static Map<String, Set<String>> secretsReadBy(Template t) {
    var result = new TreeMap<String, Set<String>>();
    for (String function : FUNCTIONS) {
      var secrets = new TreeSet<String>();
      for (JsonNode statement : statements(t, function)) {
        if (statement.get("Action").toString().contains("\"secretsmanager:GetSecretValue\"")) {
          resources(statement).forEach(r -> secrets.add(r.isTextual() ? r.asText() : r.toString()));
        }
      }
      result.put(function, secrets);
    }
    return result;
  }

  /** "get" / "put" / "delete" → the audit-bucket key patterns the function's role allows it on. */
  private static Map<String, Set<String>> auditBucketAccess(String function) {
    String bucket = logicalId(template, "AWS::S3::Bucket", "AuditBucket");
    var result = new TreeMap<String, Set<String>>();
    for (JsonNode statement : statements(template, function)) {
      String actions = statement.get("Action").toString();
      for (JsonNode resource : resources(statement)) {
        JsonNode join = resource.at("/Fn::Join/1");
        if (!join.isArray() || !join.get(0).toString().contains(bucket)) {
          continue; // the bucket itself (ListBucket) or another resource
        }
        String pattern = join.get(1).asText().substring(1);
        if (actions.contains("\"s3:GetObject\"")) {
          result.computeIfAbsent("get", k -> new TreeSet<>()).add(pattern);
        }
        if (actions.contains("\"s3:PutObject\"")) {
          result.computeIfAbsent("put", k -> new TreeSet<>()).add(pattern);
        }
        if (actions.contains("Delete")) {
          result.computeIfAbsent("delete", k -> new TreeSet<>()).add(pattern);
        }
      }
    }
    return result;
  }

  /** The statements of every policy attached to the function's role. */
  private static List<JsonNode> statements(Template t, String function) {
    String roleId = t.findResources("AWS::IAM::Role").keySet().stream()
        .filter(id -> id.startsWith("Functions" + function + "ServiceRole")).findFirst().orElseThrow();
    var result = new ArrayList<JsonNode>();
    t.findResources("AWS::IAM::Policy").values().stream()
        .map(p -> JSON.valueToTree(p).get("Properties"))
        .filter(p -> p.get("Roles").toString().contains("\"" + roleId + "\""))
        .forEach(p -> p.at("/PolicyDocument/Statement").forEach(result::add));
    assertThat(result).isNotEmpty();
    return result;
  }

  private static List<JsonNode> resources(JsonNode statement) {
    JsonNode resource = statement.get("Resource");
    var result = new ArrayList<JsonNode>();
    if (resource.isArray()) {
      resource.forEach(result::add);
    } else {
      result.add(resource);
    }
    return result;
  }

  private static String logicalId(Template t, String type, String prefix) {
    var ids = t.findResources(type).keySet().stream().filter(id -> id.startsWith(prefix)).toList();
    assertThat(ids).as(type + " " + prefix + "*").hasSize(1);
    return ids.get(0);
  }
}
