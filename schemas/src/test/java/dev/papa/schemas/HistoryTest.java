package dev.papa.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParser;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Nobody changes a schema without recording the version: every current schema is the latest
 * version in the history, and every version stays compatible with the others.
 */
class HistoryTest {

    /** Surefire runs in the module folder. */
    private static final Path AVRO_SOURCES = Path.of("src/main/avro");

    private static String howToFix(Schema current) {
        return "\nThe current " + current.getFullName() + " is not the latest version in src/main/resources/"
                + Schemas.HISTORY_DIR + ". If you changed it on purpose, add the next "
                + current.getName() + "-v<N>.avsc with this content:\n" + current.toString(true);
    }

    /** Each .avsc's main schema, parsed together as avro-maven-plugin does. */
    private static List<Schema> currentSourceSchemas() throws IOException {
        SchemaParser parser = new SchemaParser();
        List<SchemaParser.ParseResult> results = new ArrayList<>();
        try (Stream<Path> files = Files.list(AVRO_SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList()) {
                results.add(parser.parse(file));
            }
        }
        parser.getParsedNamedSchemas(); // resolves references between files
        return results.stream().map(SchemaParser.ParseResult::mainSchema).toList();
    }

    /** Named types used inside {@code schema} (not {@code schema} itself). */
    private static void collectNested(Schema schema, Set<String> seen, boolean top) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!top && !seen.add(schema.getFullName())) {
                    return;
                }
                schema.getFields().forEach(f -> collectNested(f.schema(), seen, false));
            }
            case ENUM, FIXED -> {
                if (!top) {
                    seen.add(schema.getFullName());
                }
            }
            case ARRAY -> collectNested(schema.getElementType(), seen, false);
            case MAP -> collectNested(schema.getValueType(), seen, false);
            case UNION -> schema.getTypes().forEach(t -> collectNested(t, seen, false));
            default -> { }
        }
    }

    @Test
    void everyTopLevelSourceSchemaIsTheLatestPublishedVersion() throws IOException {
        List<Schema> sources = currentSourceSchemas();
        Set<String> nested = new HashSet<>();
        sources.forEach(s -> collectNested(s, nested, true));
        List<Schema> messages = sources.stream().filter(s -> !nested.contains(s.getFullName())).toList();

        assertEquals(Set.copyOf(Schemas.published().recordNames()),
                Set.copyOf(messages.stream().map(Schema::getFullName).toList()),
                "every top-level schema in " + AVRO_SOURCES + " is a message record with a history, and vice versa");
        for (Schema current : messages) {
            Schemas.Version latest = Schemas.published().latest(current.getFullName());
            assertEquals(latest.fingerprint(), Schemas.fingerprint(current), howToFix(current));
        }
    }

    @Test
    void everyGeneratedRecordClassIsTheLatestPublishedVersion() {
        assertEquals(Schemas.RECORDS.size(), Schemas.published().recordNames().size());
        for (Class<? extends SpecificRecord> type : Schemas.RECORDS) {
            Schema current = SpecificData.get().getSchema(type);
            Schemas.Version latest = Schemas.published().latest(current.getFullName());
            assertEquals(latest.fingerprint(), Schemas.fingerprint(current),
                    type.getName() + " was generated from a schema that is not the latest published version");
        }
    }

    @Test
    void everyVersionCanReadEveryOtherVersion() {
        for (String name : Schemas.published().recordNames()) {
            List<Schemas.Version> versions = Schemas.published().versions(name);
            assertFalse(versions.isEmpty(), name);
            for (Schemas.Version reader : versions) {
                for (Schemas.Version writer : versions) {
                    var result = SchemaCompatibility.checkReaderWriterCompatibility(reader.schema(), writer.schema());
                    assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE, result.getType(),
                            reader + " cannot read " + writer + ": " + result.getDescription());
                }
            }
        }
    }

    @Test
    void versionsAreNumberedInOrder() {
        for (String name : Schemas.published().recordNames()) {
            List<Schemas.Version> versions = Schemas.published().versions(name);
            for (int i = 0; i < versions.size(); i++) {
                assertEquals(i + 1, versions.get(i).number());
                assertEquals(versions.get(i), Schemas.published().find(versions.get(i).fingerprint()).orElseThrow());
            }
        }
    }

    @Test
    void codeGeneratorMatchesTheAvroLibraryManagedByTheBom() {
        String plugin = System.getProperty("papa.avro.plugin.version");
        String library = Schema.class.getPackage().getImplementationVersion();
        assertTrue(plugin != null && !plugin.isBlank(), "surefire sets papa.avro.plugin.version");
        assertEquals(library, plugin, "set avro.version in the root pom to the Avro version quarkus-bom manages");
    }
}
