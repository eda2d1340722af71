package dev.papa.feedback.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A time index over the entries of other stores, so that purging expired entries reads only the
 * expired ones instead of scanning a whole store. Keys are {@code [kind byte][time, 8 bytes
 * big-endian][id, UTF-8]}: RocksDB orders keys by their bytes, so for one kind they are ordered by
 * time and a range query up to a cut-off returns exactly the entries older than it. Values are
 * empty.
 */
final class ExpiryIndex {

    private static final byte[] EMPTY = new byte[0];

    private final KeyValueStore<Bytes, byte[]> store;

    ExpiryIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    void add(byte kind, long time, String id) {
        store.put(key(kind, time, id), EMPTY);
    }

    /** An entry of the index: the id and the time it was indexed with. */
    record Entry(String id, long time) {
    }

    /**
     * Removes from the index, and returns, the entries of {@code kind} with a time before
     * {@code cutoff}, oldest first.
     */
    List<Entry> removeBefore(byte kind, long cutoff) {
        if (cutoff <= 0) {
            return List.of();
        }
        List<Bytes> keys = new ArrayList<>();
        List<Entry> expired = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> range = store.range(prefix(kind, 0), prefix(kind, cutoff))) {
            while (range.hasNext()) {
                KeyValue<Bytes, byte[]> next = range.next();
                ByteBuffer key = ByteBuffer.wrap(next.key.get());
                key.get();
                long time = key.getLong();
                if (time >= cutoff) {
                    break; // cannot happen (keys with time = cutoff sort after the bound); a guard
                }
                expired.add(new Entry(StandardCharsets.UTF_8.decode(key).toString(), time));
                keys.add(next.key);
            }
        }
        keys.forEach(store::delete);
        return expired;
    }

    private static Bytes key(byte kind, long time, String id) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(9 + idBytes.length).put(kind).putLong(Math.max(0, time)).put(idBytes).array());
    }

    private static Bytes prefix(byte kind, long time) {
        return Bytes.wrap(ByteBuffer.allocate(9).put(kind).putLong(time).array());
    }
}
