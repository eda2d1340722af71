package dev.papa.cli.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The local stack as separate processes: a Kafka broker started from the Kafka jars, then the
 * sampler, feedback and trainer services, each waited for until healthy. Closing it stops them
 * in reverse order (SIGTERM, then a forced kill after a grace period).
 */
public final class LocalStack implements AutoCloseable {

    /** A service of the stack and where it listens. */
    public record Service(String name, int port) {
        public URI url(String path) {
            return URI.create("http://localhost:" + port + path);
        }
    }

    public static final Service SAMPLER = new Service("sampler", 8081);
    public static final Service FEEDBACK = new Service("feedback", 8082);
    public static final Service TRAINER = new Service("trainer", 8083);
    public static final List<Service> SERVICES = List.of(SAMPLER, FEEDBACK, TRAINER);

    /** Folders of the work dir the stack owns: the broker's data and the feedback join's local state. */
    public static final String KAFKA_DATA = "kafka";
    public static final String STREAMS_STATE = "feedback-streams";

    /** How to start it. {@code serviceConfig} adds env variables to every service (e.g. small test settings). */
    public record Settings(Path repoRoot, Path workDir, int kafkaPort, Path baseModel, Map<String, String> serviceConfig,
                           Duration startTimeout) {}

    private final Settings settings;
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Process> byName = new LinkedHashMap<>();
    private final String tokenSecret;

    private LocalStack(Settings settings) {
        this.settings = settings;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.tokenSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** Starts the broker and the three services; on any failure stops what it started. */
    public static LocalStack start(Settings settings) {
        if (!Files.isRegularFile(settings.baseModel())) {
            throw new IllegalStateException("checkpoint not found: " + settings.baseModel() + " (the services serve this base model)");
        }
        requireFreePorts(settings.kafkaPort());
        LocalStack stack = new LocalStack(settings);
        try {
            stack.startKafka();
            for (Service service : SERVICES) {
                stack.startService(service);
            }
            for (Service service : SERVICES) {
                stack.awaitReady(service);
            }
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return "localhost:" + settings.kafkaPort();
    }

    public Path logDir() {
        return settings.workDir().resolve("logs");
    }

    /**
     * Like {@link #start}, after deleting what an earlier stack in the work dir stored (broker data,
     * the join's local state; logs are kept): every user starts from the base model, as a demo, a
     * benchmark or a test needs.
     */
    public static LocalStack startFresh(Settings settings) {
        requireFreePorts(settings.kafkaPort()); // never delete the data of a stack that is running
        clearData(settings.workDir());
        return start(settings);
    }

    private static void clearData(Path workDir) {
        for (String owned : List.of(KAFKA_DATA, STREAMS_STATE)) {
            Path dir = workDir.resolve(owned);
            if (!Files.exists(dir)) {
                continue;
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clear " + dir, e);
            }
        }
    }

    /** The stack's processes by name (kafka, sampler, feedback, trainer), e.g. to measure their memory. */
    public Map<String, ProcessHandle> processes() {
        Map<String, ProcessHandle> out = new LinkedHashMap<>();
        byName.forEach((name, process) -> out.put(name, process.toHandle()));
        return out;
    }

    /**
     * A port already taken would make the health checks answer for someone else's process (another
     * stack, a service in dev mode): refuse to start instead of measuring or testing the wrong thing.
     */
    private static void requireFreePorts(int kafkaPort) {
        List<Integer> ports = new ArrayList<>(List.of(kafkaPort));
        SERVICES.forEach(service -> ports.add(service.port()));
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress("localhost", port));
            } catch (IOException e) {
                throw new IllegalStateException("port " + port + " is in use: is another PAPA stack (papa up / demo) "
                        + "or service running? The local stack needs ports " + ports);
            }
        }
    }

    private void startKafka() {
        Path root = settings.repoRoot();
        String classpath = root.resolve("kafka-local/target/papa-kafka-local-0.1.0-SNAPSHOT.jar") + ":"
                + read(root.resolve("kafka-local/target/classpath.txt"));
        Process kafka = launch("kafka", List.of(java(), "-Xmx1g", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                "dev.papa.kafka.local.LocalKafkaMain", "--port", Integer.toString(settings.kafkaPort()),
                "--data-dir", settings.workDir().resolve(KAFKA_DATA).toString()), Map.of(), false);
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(kafka.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("kafka ready")) {
                        return line;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        try {
            if (ready.get(settings.startTimeout().toSeconds(), TimeUnit.SECONDS) == null) {
                throw new IllegalStateException("Kafka exited before it was ready; see " + logDir().resolve("kafka.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting Kafka");
        } catch (Exception e) {
            throw new IllegalStateException("Kafka did not start within " + settings.startTimeout() + "; see "
                    + logDir().resolve("kafka.log"), e);
        }
    }

    private void startService(Service service) {
        Path jar = settings.repoRoot().resolve("services/" + service.name() + "/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build the services first (./mvnw install -DskipTests)");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
        env.put("PAPA_TOKEN_SECRET", tokenSecret);
        env.put("PAPA_MODEL_BASE_PATH", settings.baseModel().toAbsolutePath().toString());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(service.port()));
        // The join's RocksDB state belongs with this broker's data (not a temp dir shared by every stack).
        // glibc gives each thread that allocates natively an arena of its own and keeps what it
        // frees: with libtorch called from many request threads that doubled the sampler's
        // resident set (docs/measurements.md). Two arenas are the usual setting for JVMs.
        env.put("MALLOC_ARENA_MAX", "2");
        env.put("KAFKA_STREAMS_STATE_DIR", settings.workDir().resolve(STREAMS_STATE).toString());
        env.putAll(settings.serviceConfig());
        // Sampler and trainer each run PyTorch; with its default of one OpenMP thread per core they
        // would oversubscribe the cores, and spinning OpenMP threads on oversubscribed cores run
        // 10-30x slower (README, Tests). Half the cores each keeps them from fighting.
        String torchThreads = Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        launch(service.name(), List.of(java(), "-Xmx2g", "-Dai.djl.pytorch.num_threads=" + torchThreads,
                "-Dai.djl.pytorch.num_interop_threads=1", "-jar", jar.toString()), env, true);
    }

    private void awaitReady(Service service) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(service.url("/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + service.name());
            }
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a process of the stack exited (code " + p.exitValue() + "); see logs in " + logDir());
                }
            }
            sleep(500);
        }
        throw new IllegalStateException(service.name() + " was not ready within " + settings.startTimeout() + "; see "
                + logDir().resolve(service.name() + ".log"));
    }

    private Process launch(String name, List<String> command, Map<String, String> env, boolean stdoutToLog) {
        try {
            Files.createDirectories(logDir());
            ProcessBuilder builder = new ProcessBuilder(command).directory(settings.repoRoot().toFile());
            builder.environment().putAll(env);
            Path log = logDir().resolve(name + ".log");
            builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            if (stdoutToLog) {
                builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            }
            Process process = builder.start();
            processes.add(process);
            byName.put(name, process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Stops services first, the broker last, so nothing loses its broker mid-shutdown. */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        byName.clear();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String read(Path path) {
        try {
            return Files.readString(path).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " (build the project first)", e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
