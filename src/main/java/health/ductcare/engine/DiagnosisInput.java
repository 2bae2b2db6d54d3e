package health.ductcare.engine;

import java.time.Instant;
import java.util.List;

/** The diagnosis (a Condition) in clinical terms; times are null when the source omits them. */
public record DiagnosisInput(
        String reference,
        List<Code> codes,
        String text,
        ClinicalStatus clinicalStatus,
        VerificationStatus verificationStatus,
        Instant recordedDate,
        Instant assertedDate,
        Instant onsetDateTime,
        Instant receivedAt) {

    public DiagnosisInput {
        codes = codes == null ? List.of() : List.copyOf(codes);
    }
}
