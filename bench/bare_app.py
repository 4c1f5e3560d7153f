"""The comparison point for bench/intake.py: a FastAPI endpoint that only validates the same payload."""

from fastapi import FastAPI, HTTPException, Request, status

from notifier.intake.adapters import wazuh
from notifier.intake.adapters.generic import GenericAlert
from notifier.intake.alert import Unmappable

app = FastAPI()


@app.post("/api/v1/intake/generic", status_code=status.HTTP_202_ACCEPTED)
async def receive(body: GenericAlert) -> dict:
    return {"alert_id": 0, "incident_id": None, "duplicate": False}


@app.post("/api/v1/intake/wazuh", status_code=status.HTTP_202_ACCEPTED)
async def receive_wazuh(request: Request) -> dict:
    # Parsed and mapped as the service does it, so --payload wazuh compares like with like.
    try:
        wazuh.parse(await request.json())
    except (Unmappable, ValueError) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from exc
    return {"alert_id": 0, "incident_id": None, "duplicate": False}
