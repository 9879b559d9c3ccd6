package io.cachecheck.audit;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates audit-log documents against {@code docs/audit-log.schema.json} (JSON Schema draft 2020-12). A test
 * utility, published in the functions test-jar so the local module's tests use the same one: every test that writes
 * an audit log calls {@link #check} on the file it wrote.
 */
public final class AuditLogSchemaValidator {
    private static final AuditLogSchemaValidator DEFAULT = fromFile(schemaPath());
    private final Schema schema;

    private AuditLogSchemaValidator(Schema schema) {
        this.schema = schema;
    }

    /** Loads the schema from the repository's docs directory (tests run with the module directory as working directory). */
    public static AuditLogSchemaValidator create() {
        return DEFAULT;
    }

    public static AuditLogSchemaValidator fromFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit-log schema at " + file.toAbsolutePath(), e);
        }
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        return new AuditLogSchemaValidator(registry.getSchema(text, InputFormat.JSON));
    }

    public static Path schemaPath() {
        Path base = Path.of(System.getProperty("basedir", "."));
        Path file = base.resolve("../docs/audit-log.schema.json").normalize();
        return Files.exists(file) ? file : base.resolve("docs/audit-log.schema.json").normalize();
    }

    /** The violations, each as "location: message"; empty when the document is valid. */
    public List<String> validate(String json) {
        List<Error> errors = schema.validate(json, InputFormat.JSON);
        return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
    }

    /**
     * The problems of a written audit log: schema violations, and every seeded value (a cached or row value the test
     * wrote) that appears in it. Empty when the document is valid and value-free.
     */
    public List<String> check(String json, List<String> seededValues) {
        List<String> problems = new ArrayList<>(validate(json));
        for (String value : seededValues) {
            if (json.contains(value)) {
                problems.add("seeded value '" + value + "' appears in the audit log");
            }
        }
        return problems;
    }
}
