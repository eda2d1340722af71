package dev.papa.feedback;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** {@code papa.topics.*}: the topic names of the services contract, defaults from its catalogue. */
@ConfigMapping(prefix = "papa.topics")
public interface TopicsConfig {

    @WithDefault("papa.images")
    String images();

    @WithDefault("papa.feedback")
    String feedback();

    @WithDefault("papa.preferences")
    String preferences();

    @WithName("dead-letter")
    @WithDefault("papa.deadletter")
    String deadLetter();
}
