package health.ductcare.security;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The one profile every security test shares (one Quarkus boot): security on, trusting the test JWKS. */
public class SecurityTestProfile implements QuarkusTestProfile {

    public static final String ISSUER = "https://issuer.test/ductcare";
    public static final String AUDIENCE = "ductcare-test";
    public static final String PORTAL = "https://portal.midwives.test";
    public static final int MAX_BODY_BYTES = 256 * 1024;
    public static final int MAX_BUNDLE_ENTRIES = 50;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("ductcare.security.enabled", "true"),
                Map.entry("mp.jwt.verify.issuer", ISSUER),
                Map.entry("mp.jwt.verify.audiences", AUDIENCE),
                Map.entry("mp.jwt.verify.publickey.location", TestKeys.jwks().toUri().toString()),
                Map.entry("mp.jwt.verify.publickey.algorithm", "RS256,ES256"),
                Map.entry("ductcare.security.smart.authorization-endpoint", "https://auth.test/authorize"),
                Map.entry("ductcare.security.smart.token-endpoint", "https://auth.test/token"),
                Map.entry("quarkus.http.cors.enabled", "true"),
                Map.entry("quarkus.http.cors.origins", PORTAL),
                Map.entry("quarkus.http.limits.max-body-size", Integer.toString(MAX_BODY_BYTES)),
                Map.entry("ductcare.fhir.max-bundle-entries", Integer.toString(MAX_BUNDLE_ENTRIES)));
    }
}
