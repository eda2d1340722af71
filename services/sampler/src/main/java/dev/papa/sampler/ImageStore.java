package dev.papa.sampler;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The most recently generated images (grey pixels), at most {@code papa.sampler.image-cache} of
 * them, least recently used evicted first. The papa.images topic is the durable record; this
 * store only serves the PNGs to the users who just asked for them.
 */
@ApplicationScoped
public class ImageStore {

    /** One generated image. */
    public record StoredImage(String id, String userId, long adapterVersion, int width, int height, byte[] pixels) {
    }

    @ConfigProperty(name = "papa.sampler.image-cache")
    int capacity;

    private Map<String, StoredImage> images;

    @PostConstruct
    void init() {
        if (capacity < 1) {
            throw new IllegalArgumentException("papa.sampler.image-cache must be at least 1, got " + capacity);
        }
        images = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, StoredImage> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized void put(StoredImage image) {
        images.put(image.id(), image);
    }

    public synchronized Optional<StoredImage> get(String id) {
        return Optional.ofNullable(images.get(id));
    }
}
