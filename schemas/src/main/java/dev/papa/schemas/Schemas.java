package dev.papa.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every published version of every PAPA record schema.
 *
 * <p>Single-object encoded messages carry only the 64-bit fingerprint (CRC-64-AVRO of the
 * parsing canonical form) of the schema they were written with. To read a message written with
 * an older (or newer) version of a schema, the reader must know that writer schema: this class
 * loads them from the history resources {@code dev/papa/schemas/history/<Record>-v<N>.avsc}
 * (N = 1, 2, ... with no gaps; the highest N is the current schema) and hands them to decoders
 * through a {@link SchemaStore}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Schemas {

    /** Classpath folder holding the history of the published schemas. */
    public static final String HISTORY_DIR = "dev/papa/schemas/history/";

    /** The records that are published as Kafka messages, in pipeline order. */
    public static final List<Class<? extends SpecificRecord>> RECORDS = List.of(
            ImageGenerated.class, FeedbackGiven.class, PreferenceExample.class, AdapterPublished.class);

    private static final Schemas PUBLISHED = load(Schemas.class.getClassLoader(), HISTORY_DIR,
            RECORDS.stream().map(Class::getSimpleName).toList());

    /** One published version of one record schema. */
    public record Version(String fullName, int number, Schema schema, long fingerprint) {
        @Override
        public String toString() {
            return fullName + " v" + number + " (fingerprint " + hex(fingerprint) + ")";
        }
    }

    /** Record full name to its versions, oldest first (index i holds version i + 1). */
    private final Map<String, List<Version>> versionsByName;
    private final Map<Long, Version> versionsByFingerprint;

    private Schemas(Map<String, List<Version>> versionsByName) {
        this.versionsByName = copy(versionsByName);
        Map<Long, Version> byFingerprint = new LinkedHashMap<>();
        versionsByName.values().forEach(list -> list.forEach(v -> {
            Version clash = byFingerprint.putIfAbsent(v.fingerprint(), v);
            if (clash != null) {
                throw new IllegalStateException(v + " has the same fingerprint as " + clash
                        + ": a new version must change the schema");
            }
        }));
        this.versionsByFingerprint = Map.copyOf(byFingerprint);
    }

    /** The history shipped with this module: every version of every record in {@link #RECORDS}. */
    public static Schemas published() {
        return PUBLISHED;
    }

    /**
     * Loads the histories of the named records from {@code dir} on the class path: for each
     * simple name, {@code <name>-v1.avsc}, {@code <name>-v2.avsc}, ... up to the first missing
     * number. Each file must be a self-contained schema (named types inlined).
     *
     * @throws IllegalStateException if a record has no v1, or a file does not parse or does not
     *     define the named record
     */
    public static Schemas load(ClassLoader loader, String dir, Collection<String> recordNames) {
        String folder = dir.endsWith("/") ? dir : dir + "/";
        Map<String, List<Version>> byName = new LinkedHashMap<>();
        for (String name : recordNames) {
            List<Version> versions = new ArrayList<>();
            for (int n = 1; ; n++) {
                String resource = folder + name + "-v" + n + ".avsc";
                Schema schema = readResource(loader, resource);
                if (schema == null) {
                    break;
                }
                if (schema.getType() != Schema.Type.RECORD || !schema.getName().equals(name)) {
                    throw new IllegalStateException(resource + " defines " + schema.getFullName()
                            + ", expected a record named " + name);
                }
                versions.add(new Version(schema.getFullName(), n, schema, fingerprint(schema)));
            }
            if (versions.isEmpty()) {
                throw new IllegalStateException("no schema history for " + name + ": expected "
                        + folder + name + "-v1.avsc on the class path");
            }
            byName.put(versions.get(0).fullName(), versions);
        }
        return new Schemas(byName);
    }

    /**
     * A copy of this history with {@code schema} added as the next version of its record (a
     * record it does not know yet starts at v1). Meant for tests and tools that try out an
     * evolution before it is published.
     */
    public Schemas withVersion(Schema schema) {
        Map<String, List<Version>> byName = new LinkedHashMap<>(versionsByName);
        List<Version> versions = new ArrayList<>(byName.getOrDefault(schema.getFullName(), List.of()));
        versions.add(new Version(schema.getFullName(), versions.size() + 1, schema, fingerprint(schema)));
        byName.put(schema.getFullName(), versions);
        return new Schemas(byName);
    }

    /** Full names of the records this history knows. */
    public List<String> recordNames() {
        return List.copyOf(versionsByName.keySet());
    }

    /** All versions of a record, oldest first; empty if the record is unknown. */
    public List<Version> versions(String fullName) {
        return versionsByName.getOrDefault(fullName, List.of());
    }

    /** The newest version of a record. */
    public Version latest(String fullName) {
        List<Version> versions = versions(fullName);
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("unknown record " + fullName + "; known: " + recordNames());
        }
        return versions.get(versions.size() - 1);
    }

    /** The version of any known record with this fingerprint. */
    public Optional<Version> find(long fingerprint) {
        return Optional.ofNullable(versionsByFingerprint.get(fingerprint));
    }

    /** The version whose fingerprint equals that of {@code schema}. */
    public Optional<Version> find(Schema schema) {
        return find(fingerprint(schema));
    }

    /**
     * A store that resolves fingerprints of the versions of one record only, so a decoder for
     * that record never tries to read another record's message as its own.
     */
    public SchemaStore store(String fullName) {
        return fingerprint -> {
            Version version = versionsByFingerprint.get(fingerprint);
            return version != null && version.fullName().equals(fullName) ? version.schema() : null;
        };
    }

    /** The 64-bit CRC-64-AVRO fingerprint of the schema's parsing canonical form. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    static String hex(long fingerprint) {
        return String.format("0x%016x", fingerprint);
    }

    private static Schema readResource(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot parse " + resource + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, List<Version>> copy(Map<String, List<Version>> map) {
        Map<String, List<Version>> result = new LinkedHashMap<>();
        map.forEach((name, list) -> result.put(name, List.copyOf(list)));
        return Collections.unmodifiableMap(result);
    }
}
