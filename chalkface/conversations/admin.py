from django.contrib import admin

from chalkface.conversations.models import Conversation


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    """Only the conversation itself: statements and votes are not browsable, even by administrators."""

    list_display = ("topic", "campaign", "strict", "is_open", "created_on")
    readonly_fields = ("campaign", "created_on")
    exclude = ("report", "report_participants")
