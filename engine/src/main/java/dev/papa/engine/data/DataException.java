package dev.papa.engine.data;

/** A data set that is missing or malformed; the message says which file and why. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }
}
