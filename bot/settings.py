"""All configuration in one place, read from CLAIMCHECK_* environment variables (or a .env file).

Why one object: every door (CLI, HTTP, chat, widget, eval) builds the same chain from the same settings, so a
deployment behaves the same whichever way it is used.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Candidate sentences the verifier scores per claim: the combiner was fitted at this cap (docs/history.md).
MAX_SENTENCES = 10


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLAIMCHECK_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("claimcheck-data"), description="where the index lives (one owning process)")
    chroma_url: str = Field("", description="a Chroma server (http://host:8000); empty = embedded in data_dir")
    sync_interval: float = Field(
        2.0,
        gt=0,
        le=300,
        description="with a Chroma server: seconds between checks of the shared library's version stamp; a report "
        "written through another replica is cited here within this plus one sync",
    )
    embedding_model: str = Field("all-MiniLM-L6-v2", description="sentence-transformers name or path")
    verifier: str = Field("shipped", description="'shipped', a folder with verifier.onnx, or a HF NLI model")
    combiner: str = Field(
        "shipped",
        description="'shipped' (model/combiner.json, over the shipped verifier only), "
        "'off', or the path of a combiner JSON fitted by `claimcheck calibrate`",
    )
    decision: str = Field(
        "shipped",
        description="the verdict step: 'shipped' (alias 'isw'; learned and calibrated: for claims resting on ISW "
        "reports the decision fitted on 654 ISW claims, SUPPORTED or REFUTED only above thresholds certified at 0.95 "
        "held-out precision; for other reports the decision fitted on 174, which decides nothing over this verifier), "
        "'base' (the 174-claim decision everywhere), 'isw-refuted' (the 654-claim decision's REFUTED only, behind the "
        "same source gate), 'rules' (hand-set thresholds), "
        "or the path of a decision JSON fitted by `claimcheck fit-decision`",
    )
    seeds_dir: Path | None = Field(None, description="library ingested on first start; default: packaged seeds")
    top_k: int = Field(8, ge=1, le=50, description="passages given to the verifier")
    max_per_report: int = Field(2, ge=1, le=20, description="passages per report, so evidence is diverse")
    candidates: int = Field(40, ge=5, le=500, description="dense and keyword candidates before fusion")
    max_sentences: int = Field(
        MAX_SENTENCES,
        ge=1,
        le=64,
        description="sentences (and adjacent pairs) of the "
        "passages the verifier scores per claim, those sharing most words with it first",
    )
    max_claim_chars: int = Field(1000, ge=10, description="longer claims are refused with 422")
    ingest_token: SecretStr | None = Field(None, description="bearer token for POST /api/reports; unset = off")
    ingest_roots: list[Path] = Field(default_factory=list, description="server paths POST /api/reports may read")
    allow_private_urls: bool = Field(False, description="let URL ingest reach loopback/private addresses")
    max_upload_bytes: int = Field(20 * 1024 * 1024, description="upload and fetched-document size limit")
    allowed_origins: list[str] = Field(default_factory=list, description="sites that may embed the widget / CORS")
    rate_limit_per_minute: int = Field(120, ge=0, description="per client on public endpoints; 0 = off")
    concurrency: int = Field(8, ge=1, description="chat events served at once")
    llm_base_url: str = Field("", description="OpenAI-compatible endpoint; empty = no LLM (extractive replies)")
    llm_model: str = ""
    llm_api_key: SecretStr | None = None
    llm_timeout: float = Field(30.0, gt=0, description="seconds before an LLM call falls back")
    llm_max_tokens: int = Field(400, ge=16, description="longest LLM answer")
    llm_judge: bool = Field(
        False,
        description="the LLM reads the stance of the best-aligned candidate sentences in place of the offline "
        "verifier (one call per claim; validated, with fallback); needs llm_base_url",
    )
    llm_judge_max_sentences: int = Field(
        6, ge=1, le=64, description="candidate sentences the LLM judge reads per claim, best-aligned first"
    )

    @field_validator("llm_judge")
    @classmethod
    def _judge_needs_an_llm(cls, on: bool, info: ValidationInfo) -> bool:
        if on and not info.data.get("llm_base_url"):
            raise ValueError("the LLM judge needs an LLM: set CLAIMCHECK_LLM_BASE_URL, or turn the judge off")
        return on

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.jsonl"


def get_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
