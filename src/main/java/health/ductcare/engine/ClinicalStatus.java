package health.ductcare.engine;

public enum ClinicalStatus {
    ACTIVE, RECURRENCE, RELAPSE, INACTIVE, REMISSION, RESOLVED, UNKNOWN;

    public boolean isActive() {
        return this == ACTIVE || this == RECURRENCE || this == RELAPSE;
    }

    public boolean isOver() {
        return this == INACTIVE || this == REMISSION || this == RESOLVED;
    }
}
