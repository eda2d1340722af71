package dev.papa.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Dockerfile read line by line: its instructions (continuations joined, comments dropped). */
final class Dockerfile {

    record Instruction(String keyword, String arguments) {
    }

    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

    final String file;
    final List<Instruction> instructions = new ArrayList<>();

    private Dockerfile(String file, String text) {
        this.file = file;
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\\R")) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (!current.isEmpty() && trimmed.startsWith("#")) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String instruction = current.toString().strip();
            current.setLength(0);
            int space = instruction.indexOf(' ');
            instructions.add(new Instruction(
                    (space < 0 ? instruction : instruction.substring(0, space)).toUpperCase(Locale.ROOT),
                    space < 0 ? "" : instruction.substring(space + 1).strip()));
        }
    }

    static Dockerfile read(String relative) {
        return new Dockerfile(relative, Repo.read(relative));
    }

    List<String> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    String last(String keyword) {
        List<String> found = all(keyword);
        return found.isEmpty() ? null : found.get(found.size() - 1);
    }

    /** ENV variables in KEY=VALUE form (quotes removed); the last setting wins. */
    Map<String, String> env() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String args : all("ENV")) {
            Matcher m = ENV_PAIR.matcher(args);
            while (m.find()) {
                String value = m.group(2);
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                out.put(m.group(1), value);
            }
        }
        return out;
    }

    /** COPY instructions as [sources..., destination], options (--chown=...) dropped. */
    List<List<String>> copies() {
        List<List<String>> out = new ArrayList<>();
        for (String args : all("COPY")) {
            List<String> parts = new ArrayList<>();
            for (String part : args.split("\\s+")) {
                if (!part.startsWith("--")) {
                    parts.add(part);
                }
            }
            out.add(parts);
        }
        return out;
    }
}
