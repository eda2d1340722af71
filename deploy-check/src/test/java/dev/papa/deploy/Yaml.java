package dev.papa.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** YAML files read with Jackson: every document of a file, as a tree. */
final class Yaml {

    static final YAMLMapper MAPPER = new YAMLMapper();

    private Yaml() {
    }

    /** The non-empty documents of a (multi-document) YAML file. */
    static List<JsonNode> documents(Path file) {
        List<JsonNode> out = new ArrayList<>();
        try (JsonParser parser = MAPPER.getFactory().createParser(file.toFile());
                MappingIterator<JsonNode> docs = MAPPER.readValues(parser, JsonNode.class)) {
            while (docs.hasNextValue()) {
                JsonNode doc = docs.nextValue();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    out.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(Repo.root().relativize(file) + " is not valid YAML: " + e.getMessage(), e);
        }
        return out;
    }

    /** The only document of a YAML file. */
    static JsonNode single(Path file) {
        List<JsonNode> docs = documents(file);
        if (docs.size() != 1) {
            throw new AssertionError(Repo.root().relativize(file) + ": expected one YAML document, found " + docs.size());
        }
        return docs.get(0);
    }

    /** A string map (environment, ConfigMap data) from a YAML map, or docker-compose's KEY=VALUE list form. */
    static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                String s = item.asText();
                int eq = s.indexOf('=');
                out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        } else {
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        }
        return out;
    }
}
