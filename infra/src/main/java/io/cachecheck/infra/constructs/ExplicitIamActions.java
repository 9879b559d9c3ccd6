package io.cachecheck.infra.constructs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.CfnPolicy;
import software.amazon.awscdk.services.kms.CfnKey;
import software.amazon.awscdk.services.s3.CfnBucketPolicy;
import software.amazon.awscdk.services.sns.CfnTopicPolicy;
import software.constructs.IConstruct;

/**
 * Replaces the wildcard actions that CDK {@code grant*} methods emit ({@code s3:GetObject*},
 * {@code kms:GenerateDataKey*}, the default key policy's {@code kms:*}, ...) with the explicit
 * actions they are meant to cover, in every Allow statement of the stack.
 *
 * <p>Why: the project allows no wildcard actions, yet the grants of L2 constructs we do not own
 * (CodePipeline artifact and source buckets, KMS key policy) emit them. Keeping {@code grant*}
 * and expanding at synth keeps the code idiomatic and the policies explicit. An unknown wildcard
 * fails synth, so a CDK upgrade that introduces one is noticed instead of silently deployed.
 *
 * <p>Deny statements are left alone: {@code enforceSSL} denies {@code s3:*} over plain HTTP, and
 * denying every action is the intent there.
 *
 * <p>Register it with {@code AspectPriority.MUTATING} so that it runs before cdk-nag reads the
 * policies.
 */
public final class ExplicitIamActions implements IAspect {

  private static final Map<String, List<String>> EXPANSIONS = Map.ofEntries(
      Map.entry("s3:GetObject*", List.of(
          "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging",
          "s3:GetObjectVersionTagging", "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes")),
      Map.entry("s3:GetBucket*", List.of("s3:GetBucketLocation", "s3:GetBucketVersioning")),
      Map.entry("s3:List*", List.of(
          "s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads",
          "s3:ListMultipartUploadParts")),
      Map.entry("s3:Abort*", List.of("s3:AbortMultipartUpload")),
      Map.entry("s3:DeleteObject*", List.of(
          "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteObjectTagging",
          "s3:DeleteObjectVersionTagging")),
      Map.entry("s3:PutObject*", List.of(
          "s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectVersionTagging")),
      Map.entry("kms:ReEncrypt*", List.of("kms:ReEncryptFrom", "kms:ReEncryptTo")),
      Map.entry("kms:GenerateDataKey*", List.of(
          "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext")),
      // The default key policy gives the account root kms:*, which delegates key use to IAM.
      // These are the administration and use actions that delegation needs.
      Map.entry("kms:*", List.of(
          "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:Decrypt",
          "kms:DeleteAlias", "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation",
          "kms:EnableKey", "kms:EnableKeyRotation", "kms:Encrypt", "kms:GenerateDataKey",
          "kms:GenerateDataKeyWithoutPlaintext", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
          "kms:ListAliases", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListKeyRotations",
          "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:ReEncryptFrom", "kms:ReEncryptTo",
          "kms:RetireGrant", "kms:RevokeGrant", "kms:RotateKeyOnDemand", "kms:ScheduleKeyDeletion",
          "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription")));

  @Override
  public void visit(IConstruct node) {
    if (node instanceof CfnPolicy policy) {
      rewrite(node, policy.getPolicyDocument(), policy::setPolicyDocument);
    } else if (node instanceof CfnBucketPolicy policy) {
      rewrite(node, policy.getPolicyDocument(), policy::setPolicyDocument);
    } else if (node instanceof CfnTopicPolicy policy) {
      rewrite(node, policy.getPolicyDocument(), policy::setPolicyDocument);
    } else if (node instanceof CfnKey key) {
      rewrite(node, key.getKeyPolicy(), key::setKeyPolicy);
    }
  }

  private static void rewrite(IConstruct node, Object document, Consumer<Object> setter) {
    if (document == null) {
      return;
    }
    Object resolved = Stack.of(node).resolve(document);
    if (!(resolved instanceof Map<?, ?> doc) || !(doc.get("Statement") instanceof List<?> statements)) {
      return;
    }
    boolean changed = false;
    var newStatements = new ArrayList<Object>();
    for (Object statement : statements) {
      if (statement instanceof Map<?, ?> s && "Allow".equals(s.get("Effect")) && s.get("Action") != null) {
        List<String> actions = expand(node, s.get("Action"));
        var copy = new LinkedHashMap<String, Object>();
        s.forEach((k, v) -> copy.put(k.toString(), v));
        copy.put("Action", actions.size() == 1 ? actions.get(0) : actions);
        changed |= !actions.equals(asList(s.get("Action")));
        newStatements.add(copy);
      } else {
        newStatements.add(statement);
      }
    }
    if (changed) {
      var newDoc = new LinkedHashMap<String, Object>();
      doc.forEach((k, v) -> newDoc.put(k.toString(), v));
      newDoc.put("Statement", newStatements);
      setter.accept(newDoc);
    }
  }

  private static List<String> expand(IConstruct node, Object actionValue) {
    var result = new LinkedHashSet<String>();
    for (String action : asList(actionValue)) {
      if (!action.contains("*")) {
        result.add(action);
        continue;
      }
      List<String> explicit = EXPANSIONS.get(action);
      if (explicit == null) {
        throw new IllegalStateException(
            "Wildcard IAM action '" + action + "' in " + node.getNode().getPath()
                + " has no explicit expansion. Grant explicit actions there, or add the action to"
                + " ExplicitIamActions.EXPANSIONS with the actions it must cover.");
      }
      result.addAll(explicit);
    }
    return List.copyOf(result);
  }

  private static List<String> asList(Object actionValue) {
    if (actionValue instanceof List<?> list) {
      return list.stream().map(Object::toString).toList();
    }
    return List.of(actionValue.toString());
  }
}
