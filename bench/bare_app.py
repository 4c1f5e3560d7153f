"""The comparison point for bench/intake.py: a FastAPI endpoint that only validates the same payload."""

from fastapi import FastAPI, status

from notifier.intake.adapters.generic import GenericAlert

app = FastAPI()


@app.post("/api/v1/intake/generic", status_code=status.HTTP_202_ACCEPTED)
async def receive(body: GenericAlert) -> dict:
    return {"alert_id": 0, "incident_id": None, "duplicate": False}
