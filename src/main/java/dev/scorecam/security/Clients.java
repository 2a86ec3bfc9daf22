package dev.scorecam.security;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The client a request comes from: the name of its API key, or its token's client claim. With
 * {@code scorecam.security.mode=none} every caller is the one client {@value #ANONYMOUS}, so that
 * jobs and limits work as before: shared by all.
 */
public final class Clients {

    public static final String ANONYMOUS = "anonymous";

    private Clients() {}

    /** The client of the request on this thread. */
    public static String current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated()
                || authentication instanceof AnonymousAuthenticationToken) {
            return ANONYMOUS;
        }
        return authentication.getName();
    }
}
