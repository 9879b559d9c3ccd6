package io.cachecheck.baseline;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Validates audit-log documents against {@code docs/audit-log.schema.json} (JSON Schema draft 2020-12). A test
 * utility: tests of the audit log writer call {@link #validate(String)} on what it wrote.
 */
public final class AuditLogSchemaValidator {
    private final Schema schema;

    private AuditLogSchemaValidator(Schema schema) {
        this.schema = schema;
    }

    /** Loads the schema from the repository's docs directory (tests run with the module directory as working directory). */
    public static AuditLogSchemaValidator create() {
        return fromFile(schemaPath());
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
}
