package health.ductcare.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Refuses to start a secured server that could not verify any token (no issuer, audience or key), and shouts
 * when security is switched off, so neither goes unnoticed.
 */
@Singleton
public class SecurityStartup {

    private static final Logger LOG = Logger.getLogger(SecurityStartup.class);

    void check(@Observes StartupEvent event, Config config) {
        boolean enabled = config.getOptionalValue("ductcare.security.enabled", Boolean.class).orElse(true);
        Optional<String> origins = config.getOptionalValue("quarkus.http.cors.origins", String.class);
        boolean credentials = config.getOptionalValue("quarkus.http.cors.access-control-allow-credentials",
                Boolean.class).orElse(false);
        if (credentials && origins.map(o -> o.contains("*")).orElse(false)) {
            throw new IllegalStateException("CORS: a wildcard origin cannot be combined with credentials;"
                    + " list the portal origins in DUCTCARE_CORS_ORIGINS");
        }
        if (!enabled) {
            LOG.warn("**************************************************************************************");
            LOG.warn("SECURITY DISABLED: every request is served without a token, as user 'anonymous'.");
            LOG.warn("Local experiments only. Set DUCTCARE_SECURITY_ENABLED=true (see docs/security.md).");
            LOG.warn("**************************************************************************************");
            return;
        }
        List<String> missing = new ArrayList<>();
        require(config, "mp.jwt.verify.issuer", "DUCTCARE_SECURITY_ISSUER", missing);
        require(config, "mp.jwt.verify.audiences", "DUCTCARE_SECURITY_AUDIENCE", missing);
        if (configured(config, "mp.jwt.verify.publickey.location").isEmpty()
                && configured(config, "mp.jwt.verify.publickey").isEmpty()) {
            missing.add("mp.jwt.verify.publickey.location (DUCTCARE_SECURITY_JWKS_URL or DUCTCARE_SECURITY_PUBLIC_KEY)");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Security is enabled but not configured; set " + String.join(", ", missing)
                    + " or disable it explicitly with DUCTCARE_SECURITY_ENABLED=false (local experiments only)");
        }
        LOG.infof("Security enabled: SMART bearer tokens from issuer %s",
                config.getValue("mp.jwt.verify.issuer", String.class));
    }

    private static void require(Config config, String key, String env, List<String> missing) {
        if (configured(config, key).isEmpty()) {
            missing.add(key + " (" + env + ")");
        }
    }

    /** A value that is set and is not smallrye-jwt's placeholder NONE. */
    static Optional<String> configured(Config config, String key) {
        return config.getOptionalValue(key, String.class).filter(value -> !value.isBlank() && !"NONE".equals(value));
    }
}
