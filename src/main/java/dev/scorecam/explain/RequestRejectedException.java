package dev.scorecam.explain;

/** A request that cannot be served as asked; the detail tells the client what to change. */
public class RequestRejectedException extends RuntimeException {

    private final Rejection rejection;

    RequestRejectedException(Rejection rejection, String detail) {
        super(detail);
        this.rejection = rejection;
    }

    public Rejection rejection() {
        return rejection;
    }
}
