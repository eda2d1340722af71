package dev.papa.kafka.local;

import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource: starts an in-process {@link LocalKafkaBroker} (temporary storage, free
 * port), creates the PAPA topics, and points the application at it.
 *
 * <pre>
 * &#64;QuarkusTest
 * &#64;QuarkusTestResource(KafkaBrokerTestResource.class)   // or @WithTestResource
 * class FeedbackResourceTest { ... }
 * </pre>
 *
 * <p>Configuration returned to the application:
 * <ul>
 *   <li>{@code kafka.bootstrap.servers} (used by SmallRye Reactive Messaging and the Kafka client
 *       extension) and {@code quarkus.kafka-streams.bootstrap-servers}: {@code localhost:PORT};</li>
 *   <li>{@code quarkus.kafka.devservices.enabled=false}: no container is attempted;</li>
 *   <li>{@code quarkus.log.category."kafka".level} and {@code ."org.apache.kafka".level}: the
 *       broker's (and clients') log level, WARN unless the {@code log-level} argument says otherwise
 *       (an empty {@code log-level} returns no log settings).</li>
 * </ul>
 * Arguments ({@code initArgs}): {@code partitions} (of the PAPA topics, default
 * {@value PapaTopics#DEFAULT_PARTITIONS}), {@code log-level}.
 */
public class KafkaBrokerTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String STREAMS_BOOTSTRAP_SERVERS = "quarkus.kafka-streams.bootstrap-servers";
    public static final String DEVSERVICES_ENABLED = "quarkus.kafka.devservices.enabled";
    public static final String ARG_PARTITIONS = "partitions";
    public static final String ARG_LOG_LEVEL = "log-level";

    private int partitions = PapaTopics.DEFAULT_PARTITIONS;
    private String logLevel = "WARN";
    private LocalKafkaBroker broker;

    @Override
    public void init(Map<String, String> initArgs) {
        String p = initArgs.get(ARG_PARTITIONS);
        if (p != null) {
            try {
                partitions = Integer.parseInt(p.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(ARG_PARTITIONS + " must be a whole number, got '" + p + "'", e);
            }
        }
        logLevel = initArgs.getOrDefault(ARG_LOG_LEVEL, logLevel).trim();
    }

    @Override
    public Map<String, String> start() {
        broker = LocalKafkaBroker.start();
        try {
            PapaTopics.createMissing(broker, partitions);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put(BOOTSTRAP_SERVERS, broker.bootstrapServers());
        config.put(STREAMS_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        config.put(DEVSERVICES_ENABLED, "false");
        if (!logLevel.isEmpty()) {
            config.put("quarkus.log.category.\"kafka\".level", logLevel);
            config.put("quarkus.log.category.\"org.apache.kafka\".level", logLevel);
        }
        return config;
    }

    /** The running broker (between {@link #start()} and {@link #stop()}), or {@code null}. */
    public LocalKafkaBroker broker() {
        return broker;
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
