package dev.papa.kafka.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Apache Kafka broker (the version the Quarkus BOM manages, 4.1.x) running in this JVM in
 * KRaft mode: one node that is both broker and controller, with a static single-voter quorum.
 *
 * <p>{@link #start} formats the storage directory if it is not formatted yet (new cluster id,
 * metadata version {@link #METADATA_VERSION}), then starts the server and waits until it accepts
 * clients. An existing, already formatted data directory is reused as it is, so a local stack
 * keeps its topics across restarts. Without a data directory the broker lives in a temporary
 * directory that {@link #close()} deletes.
 *
 * <p>The broker is configured for a single node: every internal topic (consumer offsets,
 * transaction state, share-group state) has replication factor 1 and min.insync.replicas 1, so
 * transactions and Kafka Streams {@code exactly_once_v2} work; the first consumer-group rebalance
 * is not delayed. Any broker property can be overridden with {@link Builder#brokerConfig}.
 *
 * <p>Ports: the client listener ({@code PLAINTEXT}) listens on the given port, or on a free port
 * when the port is 0; the controller listener always gets a free port. Both bind to localhost only.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    /** The KRaft metadata version the storage is formatted with (Kafka 4.1). */
    public static final MetadataVersion METADATA_VERSION = MetadataVersion.IBP_4_1_IV1;

    static final int NODE_ID = 1;
    static final String HOST = "localhost";
    static final String CLIENT_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final boolean formatted;
    private final String clusterId;
    private final int port;
    private final KafkaRaftServer server;
    private final Duration startupTime;
    private boolean closed;

    private LocalKafkaBroker(Path dataDir, boolean deleteOnClose, boolean formatted, String clusterId,
                             int port, KafkaRaftServer server, Duration startupTime) {
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.formatted = formatted;
        this.clusterId = clusterId;
        this.port = port;
        this.server = server;
        this.startupTime = startupTime;
    }

    /** Starts a broker in a fresh temporary directory on a free port. */
    public static LocalKafkaBroker start() {
        return builder().start();
    }

    /**
     * Starts a broker.
     *
     * @param dataDir the storage directory (created and formatted if needed), or {@code null} for
     *                a temporary directory that is deleted on {@link #close()}
     * @param port    the client port on localhost, or 0 for a free port
     */
    public static LocalKafkaBroker start(Path dataDir, int port) {
        return builder().dataDir(dataDir).port(port).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for {@link #start}: data directory, port, broker property overrides. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {
        }

        /** The storage directory; {@code null} (the default) means a temporary one. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** The client port on localhost; 0 (the default) means a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Sets or overrides one broker property (applied after this class's defaults). */
        public Builder brokerConfig(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        public Builder brokerConfig(Map<String, String> properties) {
            overrides.putAll(properties);
            return this;
        }

        public LocalKafkaBroker start() {
            long t0 = System.nanoTime();
            if (port != 0 && !isFree(port)) {
                throw new IllegalStateException("port " + port + " on " + HOST + " is already in use");
            }
            boolean temporary = dataDir == null;
            Path dir;
            try {
                dir = temporary ? Files.createTempDirectory("papa-kafka-")
                        : Files.createDirectories(dataDir).toAbsolutePath().normalize();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create Kafka data directory " + dataDir, e);
            }
            try {
                boolean formattedNow = false;
                if (!isFormatted(dir)) {
                    format(dir, brokerProperties(dir, port == 0 ? 9092 : port, 9093, overrides));
                    formattedNow = true;
                }
                String clusterId = readClusterId(dir);
                RuntimeException lastFailure = null;
                // Free ports are picked by binding and releasing them: another process may take
                // one in between, so a bind failure on a port we picked is retried.
                for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                    int clientPort = port == 0 ? freePort() : port;
                    int controllerPort = freePort();
                    KafkaRaftServer server = null;
                    try {
                        Properties props = brokerProperties(dir, clientPort, controllerPort, overrides);
                        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
                        server.startup();
                        awaitReady(HOST + ":" + clientPort);
                        return new LocalKafkaBroker(dir, temporary, formattedNow, clusterId, clientPort,
                                server, Duration.ofNanos(System.nanoTime() - t0));
                    } catch (RuntimeException e) {
                        lastFailure = e;
                        stopQuietly(server);
                        if (!isBindFailure(e)) {
                            break;
                        }
                    }
                }
                throw new IllegalStateException("Kafka broker did not start in " + dir, lastFailure);
            } catch (RuntimeException e) {
                if (temporary) {
                    deleteRecursively(dir);
                }
                throw e;
            }
        }
    }

    /** {@code localhost:port}, for the clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The client port the broker listens on. */
    public int port() {
        return port;
    }

    /** The storage directory (log.dirs and the KRaft metadata log). */
    public Path dataDir() {
        return dataDir;
    }

    public String clusterId() {
        return clusterId;
    }

    /** True if this start formatted the storage, false if it reused a formatted directory. */
    public boolean formattedOnStart() {
        return formatted;
    }

    /** Wall time of {@link #start}: formatting (if any), start-up, and the first client round trip. */
    public Duration startupTime() {
        return startupTime;
    }

    /** A client configuration with {@code bootstrap.servers} set; callers add what they need. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    /** A new Admin client for this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(clientConfig());
    }

    /** Creates the topics that do not exist yet; topics that exist are left as they are. */
    public void createTopics(Collection<NewTopic> topics) {
        try (Admin admin = admin()) {
            createTopics(admin, topics);
        }
    }

    public void createTopics(NewTopic... topics) {
        createTopics(List.of(topics));
    }

    /** Creates one topic with replication factor 1 unless it exists. */
    public void createTopic(String name, int partitions) {
        createTopics(new NewTopic(name, partitions, (short) 1));
    }

    /**
     * Creates the topics that do not exist yet through the given Admin client, and waits until
     * every partition of every requested topic has a leader. Returns the names of the topics this
     * call created.
     */
    static List<String> createTopics(Admin admin, Collection<NewTopic> topics) {
        if (topics.isEmpty()) {
            return List.of();
        }
        CreateTopicsResult result = admin.createTopics(topics);
        List<String> created = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<Void>> entry : result.values().entrySet()) {
            try {
                entry.getValue().get(30, TimeUnit.SECONDS);
                created.add(entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + entry.getKey(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + entry.getKey(), e);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("timed out creating topic " + entry.getKey(), e);
            }
        }
        awaitLeaders(admin, topics.stream().map(NewTopic::name).toList());
        return created;
    }

    /**
     * The controller has committed a new topic before the broker serves it: a first produce then
     * gets NOT_LEADER_OR_FOLLOWER, and an idempotent producer's retry of that first batch can be
     * refused as out of sequence after its later batches went in, which loses the records.
     */
    private static void awaitLeaders(Admin admin, List<String> topics) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while (!haveLeaders(admin, topics)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + topics + " have no leader after 30 s");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for topics " + topics, e);
        }
    }

    private static boolean haveLeaders(Admin admin, List<String> topics) throws InterruptedException {
        try {
            return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                    .flatMap(d -> d.partitions().stream())
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // not in the broker's metadata yet
            }
            throw new IllegalStateException("cannot describe topics " + topics, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out describing topics " + topics, e);
        }
    }

    /** Stops the broker (controlled shutdown) and deletes the data directory if it was temporary. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly(server);
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    @Override
    public String toString() {
        return "LocalKafkaBroker[" + bootstrapServers() + ", " + dataDir + "]";
    }

    // ---------------------------------------------------------------- configuration and storage

    static Properties brokerProperties(Path dir, int clientPort, int controllerPort, Map<String, String> overrides) {
        Properties p = new Properties();
        // One combined node, static single-voter quorum (kraft.version 0): nothing in the storage
        // depends on the ports, so a reused data directory may come up on other ports.
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        p.setProperty("inter.broker.listener.name", CLIENT_LISTENER);
        p.setProperty("listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.setProperty("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort);
        p.setProperty("listener.security.protocol.map",
                CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.setProperty("log.dirs", dir.toString());
        // Single node: every internal topic with one replica, so transactions and
        // Kafka Streams exactly_once_v2 work.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "10");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "10");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // Small footprint on a 2-core machine (the default dedupe buffer alone is 128 MiB).
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "4");
        p.setProperty("background.threads", "4");
        p.setProperty("num.recovery.threads.per.data.dir", "1");
        p.setProperty("broker.heartbeat.interval.ms", "500");
        overrides.forEach(p::setProperty);
        return p;
    }

    static boolean isFormatted(Path dir) {
        return Files.isRegularFile(dir.resolve("meta.properties"));
    }

    private static void format(Path dir, Properties props) {
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(print)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setReleaseVersion(METADATA_VERSION)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setHasDynamicQuorum(false)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setDirectories(storageDirectories(config))
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + dir + ": "
                    + out.toString(StandardCharsets.UTF_8).trim(), e);
        }
    }

    private static List<String> storageDirectories(KafkaConfig config) {
        List<String> dirs = new ArrayList<>(config.logDirs());
        if (!dirs.contains(config.metadataLogDir())) {
            dirs.add(config.metadataLogDir());
        }
        return dirs;
    }

    private static String readClusterId(Path dir) {
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve("meta.properties"))) {
            meta.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve("meta.properties"), e);
        }
        return meta.getProperty("cluster.id");
    }

    // ---------------------------------------------------------------- lifecycle helpers

    private static void awaitReady(String bootstrap) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(config)) {
            // The broker is usable once it is registered and unfenced: it then lists itself.
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (true) {
                Collection<?> nodes = admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (!nodes.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka broker at " + bootstrap + " lists no nodes");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka at " + bootstrap, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka broker at " + bootstrap + " did not become ready", e);
        }
    }

    private static void stopQuietly(KafkaRaftServer server) {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            // Best effort: the server is being thrown away.
        }
    }

    /** A port on localhost that was free a moment ago (bound and released). */
    static int freePort() {
        try {
            return bindAndRelease(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST, e);
        }
    }

    private static boolean isFree(int port) {
        try {
            bindAndRelease(port);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int bindAndRelease(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return socket.getLocalPort();
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // Left behind: a temp directory the OS cleans up.
                }
            });
        } catch (IOException e) {
            // Same: best effort.
        }
    }
}
