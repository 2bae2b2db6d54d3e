package health.ductcare.security;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Mints a signed SMART access token for local development, with a key pair generated on first use under
 * {@code dev-keys/} (git-ignored; never commit it). JDK only, so it runs as a single source file:
 * {@code scripts/dev-token.sh --patient 123 --scope "patient/*.rs"}. Start the server with
 * {@code DUCTCARE_SECURITY_ENABLED=true} and the dev profile's defaults, which trust {@code dev-keys/jwks.json}
 * (see docs/security.md).
 */
public final class DevTokens {

    public static final String DEV_ISSUER = "https://ductcare.local/dev-issuer";
    public static final String DEV_AUDIENCE = "ductcare-dev";
    private static final String KEY_ID = "ductcare-dev-rs256";

    private DevTokens() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--scope", "user/*.cruds");
        options.put("--sub", "dev-user");
        options.put("--client", "ductcare-dev-client");
        options.put("--issuer", DEV_ISSUER);
        options.put("--audience", DEV_AUDIENCE);
        options.put("--ttl", "3600");
        options.put("--keys", "dev-keys");
        options.put("--patient", null);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h") || !options.containsKey(args[i]) || i + 1 >= args.length) {
                System.err.println("usage: dev-token [--patient ID] [--scope \"patient/*.rs user/Condition.cruds\"]"
                        + " [--sub SUBJECT] [--client CLIENT_ID] [--issuer URL] [--audience AUD] [--ttl SECONDS]"
                        + " [--keys DIR]");
                System.exit(args[i].startsWith("-h") || args[i].equals("--help") ? 0 : 2);
            }
            options.put(args[i], args[++i]);
        }
        Path keys = Path.of(options.get("--keys"));
        PrivateKey privateKey = loadOrCreateKeys(keys);
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", options.get("--issuer"));
        claims.put("aud", options.get("--audience"));
        claims.put("sub", options.get("--sub"));
        claims.put("client_id", options.get("--client"));
        claims.put("scope", options.get("--scope"));
        if (options.get("--patient") != null) {
            claims.put("patient", options.get("--patient"));
        }
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.getEpochSecond() + Long.parseLong(options.get("--ttl")));
        claims.put("jti", UUID.randomUUID().toString());
        System.out.println(sign(claims, privateKey, KEY_ID));
    }

    /** An RS256 JWS over the claims (string and number values). */
    public static String sign(Map<String, Object> claims, PrivateKey key, String keyId) throws Exception {
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + keyId + "\"}";
        String signingInput = base64Url(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64Url(json(claims).getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + base64Url(signature.sign());
    }

    /** Reads {@code dir/private.pem}, creating the pair (and {@code public.pem}, {@code jwks.json}) if absent. */
    public static PrivateKey loadOrCreateKeys(Path dir) throws Exception {
        Path privatePem = dir.resolve("private.pem");
        if (Files.exists(privatePem)) {
            String pem = Files.readString(privatePem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        }
        Files.createDirectories(dir);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        writePem(privatePem, "PRIVATE KEY", pair.getPrivate().getEncoded());
        writePem(dir.resolve("public.pem"), "PUBLIC KEY", pair.getPublic().getEncoded());
        RSAPublicKey publicKey = (RSAPublicKey) pair.getPublic();
        Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\","
                + "\"kid\":\"" + KEY_ID + "\",\"n\":\"" + base64Url(unsigned(publicKey.getModulus()))
                + "\",\"e\":\"" + base64Url(unsigned(publicKey.getPublicExponent())) + "\"}]}\n");
        System.err.println("Generated a development key pair in " + dir.toAbsolutePath() + " (never commit it)");
        return pair.getPrivate();
    }

    private static void writePem(Path file, String label, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Files.writeString(file, "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n");
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            byte[] trimmed = new byte[bytes.length - 1];
            System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
            return trimmed;
        }
        return bytes;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String json(Map<String, Object> claims) {
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, Object> claim : claims.entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(quote(claim.getKey())).append(':');
            json.append(claim.getValue() instanceof Number ? claim.getValue().toString()
                    : quote(String.valueOf(claim.getValue())));
        }
        return json.append('}').toString();
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
