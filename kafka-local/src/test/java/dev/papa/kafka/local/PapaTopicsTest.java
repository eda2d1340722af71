package dev.papa.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PapaTopicsTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.sharedPerJvm();

    @Test
    void createsTheCatalogueOnceWithPartitionsAndCompactedAdapters() throws Exception {
        try (Admin admin = KAFKA.broker().admin()) {
            // The broker is shared with other classes: some topics may exist already.
            Set<String> created = PapaTopics.createMissing(admin, 4);
            assertTrue(PapaTopics.ALL.containsAll(created), created.toString());
            assertEquals(Set.of(), PapaTopics.createMissing(admin, 4), "second call creates nothing");
            assertTrue(admin.listTopics().names().get().containsAll(PapaTopics.ALL));

            Map<String, TopicDescription> topics = admin.describeTopics(PapaTopics.ALL).allTopicNames().get();
            for (String name : PapaTopics.ALL) {
                assertEquals(4, topics.get(name).partitions().size(), name);
            }

            ConfigResource adapters = new ConfigResource(ConfigResource.Type.TOPIC, PapaTopics.ADAPTERS);
            ConfigResource images = new ConfigResource(ConfigResource.Type.TOPIC, PapaTopics.IMAGES);
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(adapters, images)).all().get();
            assertEquals("compact", configs.get(adapters).get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
            assertEquals(Integer.toString(8 * 1024 * 1024),
                    configs.get(adapters).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
            assertEquals("delete", configs.get(images).get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
        }
    }

    @Test
    void definitionsHonourThePartitionCount() {
        assertTrue(PapaTopics.definitions(7, (short) 1).stream().allMatch(t -> t.numPartitions() == 7));
        assertEquals(PapaTopics.ALL, PapaTopics.definitions().stream().map(t -> t.name()).toList());
        assertThrows(IllegalArgumentException.class, () -> PapaTopics.definitions(0, (short) 1));
        assertThrows(IllegalArgumentException.class, () -> PapaTopics.topicConfig("other"));
    }
}
