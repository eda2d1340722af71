package dev.papa.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** docker-compose.yml as a tree, with the few accessors the checks share. */
final class Compose {

    static final String FILE = "docker-compose.yml";

    final JsonNode root;

    private Compose(JsonNode root) {
        this.root = root;
    }

    static Compose load() {
        Repo.read(FILE);
        return new Compose(Yaml.single(Repo.path(FILE)));
    }

    JsonNode service(String name) {
        JsonNode service = root.path("services").path(name);
        if (service.isMissingNode()) {
            throw new AssertionError(FILE + " has no service '" + name + "'");
        }
        return service;
    }

    boolean hasService(String name) {
        return !root.path("services").path(name).isMissingNode();
    }

    Map<String, String> environment(String service) {
        return Yaml.stringMap(service(service).path("environment"));
    }

    /** Container ports of the short syntax ("8081:8081", "127.0.0.1:8081:8081/tcp") or the long one. */
    List<Integer> containerPorts(String service) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode port : service(service).path("ports")) {
            if (port.isObject()) {
                out.add(port.path("target").asInt());
            } else {
                String spec = port.asText();
                int slash = spec.indexOf('/');
                spec = slash < 0 ? spec : spec.substring(0, slash);
                out.add(Integer.parseInt(spec.substring(spec.lastIndexOf(':') + 1)));
            }
        }
        return out;
    }

    /** The kafka-topics.sh --create lines of the topic-creation service. */
    List<String> topicCommands(String service) {
        JsonNode command = service(service).path("command");
        StringBuilder text = new StringBuilder();
        if (command.isArray()) {
            command.forEach(c -> text.append(c.asText()).append('\n'));
        } else {
            text.append(command.asText());
        }
        return text.toString().lines().map(String::strip)
                .filter(l -> l.contains("kafka-topics.sh") && l.contains("--create"))
                .toList();
    }
}
