"""The messages and bounds every kind of vote shares."""

ALREADY_VOTED = "您已经投过票了，每人只能投一次，不能重复投票。"
VOTING_NOT_OPEN = "表决尚未开始或已经结束。"
BOX_NOT_OPEN = "投票尚未开始或已经结束，本次提交未计入。"
BAD_CODE = "投票码无效或已使用，请核对投票条上的投票码。"
WRONG_PASSWORD = "密码不正确，签字确认未完成。"
MAX_COUNT = 100_000  # people or ballots of one category: far above any bureau, far below an overflow
WRONG_OTP = "动态验证码不正确或已过期，签字确认未完成。"
