"""What other domains hear about contracts (blinker signals, sent inside the request's
transaction, before the commit): service opens its archive on signing (R-30) and schedules the
revisits on delivery (R-31). A receiver writes rows in the same session; it never commits."""

from blinker import Namespace

_signals = Namespace()

# sender: the Contract just signed (flushed, with its id).
contract_signed = _signals.signal("contract-signed")
# sender: the Contract; keyword `delivered_on`: the date the customer received the goods.
contract_delivered = _signals.signal("contract-delivered")
