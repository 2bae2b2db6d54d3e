package health.ductcare.store;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Server-assigned logical ids: time-ordered UUIDs (RFC 9562 version 7), 48 bits of Unix milliseconds followed by
 * 74 random bits. Every index keyed by id then receives new ids at its right edge instead of at a random leaf;
 * in H2's copy-on-write B-trees each random insert rewrites a whole leaf page at commit, so random ids made every
 * write dirty pages across the unique indexes and made each insert costlier as the tables grew
 * (bench/RESULTS.md, item 32). The random part keeps ids unguessable; they reveal when a resource was created,
 * which its {@code meta.lastUpdated} already says.
 */
public final class ResourceIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ResourceIds() {
    }

    public static String newId() {
        return timeOrdered(System.currentTimeMillis(), RANDOM).toString();
    }

    static UUID timeOrdered(long epochMillis, java.util.Random random) {
        long randomHigh = random.nextLong();
        long randomLow = random.nextLong();
        long mostSignificant = (epochMillis << 16) | 0x7000L | (randomHigh & 0x0FFFL);
        long leastSignificant = (randomLow & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(mostSignificant, leastSignificant);
    }
}
