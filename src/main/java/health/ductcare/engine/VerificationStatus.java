package health.ductcare.engine;

public enum VerificationStatus {
    UNCONFIRMED, PROVISIONAL, DIFFERENTIAL, CONFIRMED, REFUTED, ENTERED_IN_ERROR, UNKNOWN
}
