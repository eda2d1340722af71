package dev.papa.cli;

import dev.papa.engine.model.UNetConfig;

/** Checks of option values, each failing with a message that names the option. */
final class Options {

    private Options() {}

    static void positive(String option, double value) {
        if (!(value > 0)) {
            throw new IllegalArgumentException(option + " must be positive, got " + value);
        }
    }

    static void inRange(String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(option + " must be in [" + min + ", " + max + "], got " + value);
        }
    }

    /** An enum constant by its lower-case name, e.g. {@code lora} for LORA. */
    static <E extends Enum<E>> E choice(String option, String value, Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(option + " must be one of " + java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(java.util.Locale.ROOT)).toList() + ", got " + value);
    }

    static void inRange(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be in [" + min + ", " + max + "], got " + value);
        }
    }

    static UNetConfig unetConfig(String name) {
        return switch (name) {
            case "mnist" -> UNetConfig.mnist();
            case "mnist-wide" -> UNetConfig.mnistWide();
            case "tiny" -> UNetConfig.tiny();
            default -> throw new IllegalArgumentException("--model must be mnist, mnist-wide or tiny, got " + name);
        };
    }
}
