package dev.papa.feedback.api;

import java.util.List;

/** Ends a request with a problem response; see {@link ProblemMappers}. */
public class ProblemException extends RuntimeException {

    private final ProblemKind kind;
    private final List<Problem.Violation> violations;

    public ProblemException(ProblemKind kind, String detail) {
        this(kind, detail, null, null);
    }

    public ProblemException(ProblemKind kind, String detail, List<Problem.Violation> violations, Throwable cause) {
        super(detail, cause);
        this.kind = kind;
        this.violations = violations;
    }

    public ProblemKind kind() {
        return kind;
    }

    public List<Problem.Violation> violations() {
        return violations;
    }
}
