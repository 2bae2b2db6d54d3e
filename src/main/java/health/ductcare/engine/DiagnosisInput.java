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

    /** True when the Condition states its own time, so the time it was received is never needed. */
    public boolean dated() {
        return recordedDate != null || assertedDate != null || onsetDateTime != null;
    }
}
