package health.ductcare.security;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signed test tokens, built fresh for each test by smallrye-jwt-build (and by hand for the forged ones). */
public final class Tokens {

    private Tokens() {
    }

    public static String user(String scope) {
        return rs256(claims("clinician-1", scope, null));
    }

    public static String system(String scope) {
        return rs256(claims("backend-service", scope, null));
    }

    public static String patient(String patientId, String scope) {
        return rs256(claims("patient-user-" + patientId, scope, patientId));
    }

    public static JwtClaimsBuilder claims(String subject, String scope, String patientId) {
        Instant now = Instant.now();
        JwtClaimsBuilder claims = Jwt.issuer(SecurityTestProfile.ISSUER)
                .audience(SecurityTestProfile.AUDIENCE)
                .subject(subject)
                .claim("client_id", "test-portal")
                .claim("scope", scope)
                .issuedAt(now)
                .expiresAt(now.plusSeconds(600));
        if (patientId != null) {
            claims.claim("patient", patientId);
        }
        return claims;
    }

    public static String rs256(JwtClaimsBuilder claims) {
        return claims.jws().keyId(TestKeys.RSA_KID).algorithm(SignatureAlgorithm.RS256).sign(TestKeys.rsaPrivate());
    }

    public static String es256(JwtClaimsBuilder claims) {
        return claims.jws().keyId(TestKeys.EC_KID).algorithm(SignatureAlgorithm.ES256).sign(TestKeys.ecPrivate());
    }

    public static String signedBy(PrivateKey key, JwtClaimsBuilder claims) {
        return claims.jws().keyId(TestKeys.RSA_KID).algorithm(SignatureAlgorithm.RS256).sign(key);
    }

    /** The payload of a valid user token, as JSON text, for the hand-made forgeries. */
    static String payload(String scope) {
        long now = Instant.now().getEpochSecond();
        return "{\"iss\":\"" + SecurityTestProfile.ISSUER + "\",\"aud\":\"" + SecurityTestProfile.AUDIENCE
                + "\",\"sub\":\"forger\",\"scope\":\"" + scope + "\",\"iat\":" + now + ",\"exp\":" + (now + 600)
                + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
    }

    /** An unsigned token ({@code alg: none}). */
    public static String unsigned(String scope) {
        return TestKeys.b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + TestKeys.b64(payload(scope)) + ".";
    }

    /** HS256 with the server's public key (as PEM text, or as DER bytes) used as the HMAC secret. */
    public static String hmacWithPublicKey(String scope, boolean pemText) throws Exception {
        byte[] secret = pemText
                ? ("-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(TestKeys.rsaPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n")
                        .getBytes(StandardCharsets.US_ASCII)
                : TestKeys.rsaPublic().getEncoded();
        String input = TestKeys.b64("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + TestKeys.RSA_KID + "\"}") + "."
                + TestKeys.b64(payload(scope));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return input + "." + TestKeys.b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }
}
