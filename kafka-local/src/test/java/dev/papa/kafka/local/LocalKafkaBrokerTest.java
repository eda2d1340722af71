package dev.papa.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaBrokerTest {

    @Test
    void startsInATempDirAndRoundTripsRecords() throws Exception {
        Path dir;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start()) {
            // Measured, not asserted: the machine's load decides it.
            System.out.printf("kafka-local: cold start (format + start + first admin call) %d ms at %s%n",
                    broker.startupTime().toMillis(), broker.bootstrapServers());
            dir = broker.dataDir();
            assertTrue(broker.formattedOnStart());
            assertTrue(Files.isRegularFile(dir.resolve("meta.properties")));
            assertEquals("localhost:" + broker.port(), broker.bootstrapServers());
            KafkaRoundTrip.check(broker.bootstrapServers(), 3, 50);
        }
        assertFalse(Files.exists(dir), "a temporary data directory is deleted on close");
    }

    @Test
    void failsFastWhenTheRequestedPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> LocalKafkaBroker.start(null, taken.getLocalPort()));
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        }
    }

    @Test
    void reusesAFormattedDataDirectoryWithItsTopics(@TempDir Path tmp) throws Exception {
        Path dataDir = tmp.resolve("kafka");
        int port = LocalKafkaBroker.freePort();
        String clusterId;
        try (LocalKafkaBroker first = LocalKafkaBroker.start(dataDir, port)) {
            assertEquals(port, first.port());
            assertTrue(first.formattedOnStart());
            clusterId = first.clusterId();
            first.createTopic("kept", 2);
        }
        assertTrue(Files.isDirectory(dataDir), "a given data directory is kept on close");
        try (LocalKafkaBroker second = LocalKafkaBroker.start(dataDir, 0)) {
            System.out.printf("kafka-local: warm start (reused storage) %d ms%n", second.startupTime().toMillis());
            assertFalse(second.formattedOnStart());
            assertEquals(clusterId, second.clusterId());
            try (Admin admin = second.admin()) {
                Set<String> names = admin.listTopics().names().get();
                assertTrue(names.contains("kept"), "topics survive a restart: " + names);
            }
            second.createTopic("kept", 2); // exists: no error
        }
    }
}
