"""The refusal of a whole uploaded file (报盘), shared by every step of reading it."""

UPLOAD_HINT = "请上传本系统下载并填写好的Excel模板(.xlsx)"


class BatchFileError(ValueError):
    """The whole file is refused; str() is the Chinese reason shown to the user."""

    def __init__(self, message: str, reason: str = "invalid"):
        self.message, self.reason = message, reason
        super().__init__(message)


def corrupt() -> BatchFileError:
    return BatchFileError(f"文件已损坏或不是有效的Excel工作簿，{UPLOAD_HINT}", "corrupt")
