package io.cachecheck.workflow;

import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.store.DirectoryObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A scan item or a work item that points outside its own run's key lists is refused, naming the field. */
class ScanPhaseInputTest {
    @TempDir
    Path dir;

    private WorkflowEnvironment env() {
        // the input is refused before the contract is needed
        return WorkflowEnvironment.builder().store(new DirectoryObjectStore(dir)).notifier((s, m) -> { })
                .contract(() -> { throw new AssertionError("the contract must not be loaded for a refused input"); }).build();
    }

    @Test
    void validate_whenKeysFromIsAnotherRunsLists_refusesNamingTheField() {
        ShardWorkItem item = new ShardWorkItem("shard-0", List.of("a"), List.of(), true).withKeysFrom("runs/other/keys/node-0");

        assertThatThrownBy(() -> new ValidateShard(env()).validate(new ValidateShard.Request("r1", item), 600_000))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("item.keysFrom: 'runs/other/keys/node-0' is not one of this run's key lists (runs/r1/keys/<scanId>,"
                        + " as written by DiscoverShards); re-run DiscoverShards");
        ShardWorkItem nested = item.withKeysFrom("runs/r1/keys/../../x");
        assertThatThrownBy(() -> new ValidateShard(env()).validate(new ValidateShard.Request("r1", nested), 600_000))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("item.keysFrom: ");
    }

    @Test
    void scan_whenKeysRefIsNotTheScansOwnPrefix_refusesNamingTheField() {
        ScanNode.ScanItem scan = new ScanNode.ScanItem("node-0", List.of(), "shard-0", "runs/r1/keys/node-1");

        assertThatThrownBy(() -> new ScanNode(env()).scan(new ScanNode.Request("r1", scan), 600_000))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("scan.keysRef: 'runs/r1/keys/node-1' is not this run's key list prefix; expected"
                        + " 'runs/r1/keys/node-0' as written by DiscoverShards");
        assertThatThrownBy(() -> new ScanNode(env()).scan(new ScanNode.Request("r1", null), 600_000))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("scan: is required");
    }
}
