package dev.papa.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * A service's application.properties as Quarkus reads it in the prod profile (the jar in a
 * container): profile-less keys, overridden by %prod. keys; ${name:default} expressions resolved
 * against the file itself (no environment).
 */
final class ServiceProperties {

    private final String source;
    /** key (without profile) to value, prod profile applied. */
    private final Map<String, String> prod = new LinkedHashMap<>();
    /** Every key the file names, in any profile, without the profile prefix. */
    private final Set<String> keys = new TreeSet<>();

    private ServiceProperties(String source, String text) {
        this.source = source;
        Properties raw = new Properties();
        try {
            raw.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> prodOverrides = new LinkedHashMap<>();
        for (String name : raw.stringPropertyNames()) {
            String value = raw.getProperty(name);
            if (name.startsWith("%")) {
                int dot = name.indexOf('.');
                if (dot < 0) {
                    continue;
                }
                String profiles = name.substring(1, dot);
                String key = name.substring(dot + 1);
                keys.add(key);
                for (String profile : profiles.split(",")) {
                    if (profile.trim().equals("prod")) {
                        prodOverrides.put(key, value);
                    }
                }
            } else {
                keys.add(name);
                prod.put(name, value);
            }
        }
        prod.putAll(prodOverrides);
    }

    static ServiceProperties of(String service) {
        Path file = Repo.serviceProperties(service);
        return new ServiceProperties(Repo.root().relativize(file).toString(), Repo.read(file));
    }

    static ServiceProperties parse(String source, String text) {
        return new ServiceProperties(source, text);
    }

    String source() {
        return source;
    }

    /** Whether the file names this key in any profile. */
    boolean declares(String key) {
        return keys.contains(key);
    }

    Set<String> keys() {
        return keys;
    }

    /** The value in the prod profile, expressions resolved; empty if the key has no prod value. */
    Optional<String> value(String key) {
        String raw = prod.get(key);
        return raw == null ? Optional.empty() : Optional.of(resolve(raw, 0));
    }

    /** The key that the environment variable sets, the Quarkus way (uppercase, non-alphanumerics to _). */
    Optional<String> keyForEnv(String env) {
        return keys.stream().filter(k -> envName(k).equals(env)).findFirst();
    }

    /** The environment variable that sets a property: uppercase, every non-alphanumeric character to _. */
    static String envName(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (char c : key.toCharArray()) {
            out.append(Character.isLetterOrDigit(c) && c < 128 ? Character.toUpperCase(c) : '_');
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }

    int httpPort() {
        return Integer.parseInt(value("quarkus.http.port").orElseThrow(() -> new AssertionError(
                source + " sets no quarkus.http.port: the deployment needs the service's port")));
    }

    /** /q/health/live unless the service moved it. */
    String livenessPath() {
        return healthRoot() + "/" + value("quarkus.smallrye-health.liveness-path").orElse("live");
    }

    /** /q/health/ready unless the service moved it. */
    String readinessPath() {
        return healthRoot() + "/" + value("quarkus.smallrye-health.readiness-path").orElse("ready");
    }

    /** /q/metrics unless the service moved it. */
    String metricsPath() {
        return nonApplicationPath(value("quarkus.micrometer.export.prometheus.path").orElse("metrics"));
    }

    private String healthRoot() {
        return nonApplicationPath(value("quarkus.smallrye-health.root-path").orElse("health"));
    }

    private String nonApplicationPath(String path) {
        if (path.startsWith("/")) {
            return trimSlash(path);
        }
        String root = value("quarkus.http.non-application-root-path").orElse("q");
        root = root.startsWith("/") ? root : "/" + root;
        return trimSlash(root) + "/" + trimSlash(path);
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private String resolve(String value, int depth) {
        if (depth > 20) {
            throw new IllegalStateException(source + ": expressions nested too deep in " + value);
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            int start = value.indexOf("${", i);
            if (start < 0) {
                out.append(value, i, value.length());
                break;
            }
            out.append(value, i, start);
            int level = 0;
            int end = -1;
            for (int j = start; j < value.length(); j++) {
                if (value.startsWith("${", j)) {
                    level++;
                    j++;
                } else if (value.charAt(j) == '}' && --level == 0) {
                    end = j;
                    break;
                }
            }
            if (end < 0) {
                out.append(value.substring(start));
                break;
            }
            String inner = value.substring(start + 2, end);
            int colon = inner.indexOf(':');
            String name = colon < 0 ? inner : inner.substring(0, colon);
            String fallback = colon < 0 ? "" : inner.substring(colon + 1);
            if (prod.containsKey(name)) {
                out.append(resolve(prod.get(name), depth + 1));
            } else {
                out.append(resolve(fallback, depth + 1));
            }
            i = end + 1;
        }
        return out.toString();
    }
}
