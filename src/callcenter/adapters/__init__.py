"""Telephony at the edge: adapters between a wire and a :class:`~callcenter.hotline.Hotline`.

Each adapter translates its wire into the hotline's inputs and the hotline's outputs
into its wire, and nothing more (the conformance kit in :mod:`callcenter.testing`
proves it). One subpackage per telephony, each with its own optional extra where it
needs a dependency:

* :mod:`callcenter.adapters.twilio`: Twilio Programmable Voice webhooks and TwiML
  (extras ``twilio`` and ``serve``);
* :mod:`callcenter.adapters.asterisk`: Asterisk over ARI (extra ``asterisk``),
  FastAGI and AMI, and reports from ``queue_log``;
* :mod:`callcenter.adapters.redis`: one hotline across processes and servers,
  replicated through a Redis stream (extra ``redis``).
"""

__all__: list[str] = []
