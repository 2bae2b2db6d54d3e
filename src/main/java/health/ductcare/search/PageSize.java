package health.ductcare.search;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;

/** The {@code _count} of a search, history or {@code $everything}: absent for the default, capped at the maximum. */
public final class PageSize {

    private PageSize() {
    }

    public static int of(String value, int defaultSize, int maxSize) {
        if (value == null || value.isBlank()) {
            return defaultSize;
        }
        try {
            int requested = Integer.parseInt(value.trim());
            if (requested < 0) {
                throw new NumberFormatException();
            }
            return Math.min(requested, maxSize);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("_count must be a non-negative whole number");
        }
    }
}
