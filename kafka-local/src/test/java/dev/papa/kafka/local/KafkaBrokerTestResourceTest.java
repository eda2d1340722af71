package dev.papa.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** The Quarkus test resource's life cycle, driven the way Quarkus drives it (no Quarkus app needed). */
class KafkaBrokerTestResourceTest {

    @Test
    void startsBrokerWithTopicsAndReturnsTheConfiguration() throws Exception {
        KafkaBrokerTestResource resource = new KafkaBrokerTestResource();
        resource.init(Map.of(KafkaBrokerTestResource.ARG_PARTITIONS, "2"));
        Map<String, String> config = resource.start();
        Path dataDir = resource.broker().dataDir();
        try {
            String bootstrap = config.get("kafka.bootstrap.servers");
            assertEquals(resource.broker().bootstrapServers(), bootstrap);
            assertEquals(bootstrap, config.get("quarkus.kafka-streams.bootstrap-servers"));
            assertEquals("false", config.get("quarkus.kafka.devservices.enabled"));
            assertEquals("WARN", config.get("quarkus.log.category.\"kafka\".level"));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                assertEquals(2, admin.describeTopics(List.of(PapaTopics.ADAPTERS)).allTopicNames().get()
                        .get(PapaTopics.ADAPTERS).partitions().size());
            }
        } finally {
            resource.stop();
        }
        assertNull(resource.broker());
        assertFalse(Files.exists(dataDir), "the temporary storage is deleted on stop");
        resource.stop(); // twice is harmless
    }

    @Test
    void rejectsABadPartitionArgument() {
        KafkaBrokerTestResource resource = new KafkaBrokerTestResource();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resource.init(Map.of(KafkaBrokerTestResource.ARG_PARTITIONS, "four")));
        assertTrue(e.getMessage().contains("partitions"), e.getMessage());
    }
}
