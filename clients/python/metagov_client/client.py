"""A small typed wrapper over the generated gRPC stubs of the six ``metagov.v1`` services."""

from __future__ import annotations

import os
import threading
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import grpc
from google.protobuf.message import Message

from metagov.v1 import (
    actions_pb2,
    actions_pb2_grpc,
    common_pb2,
    communities_pb2,
    communities_pb2_grpc,
    events_pb2,
    events_pb2_grpc,
    identity_pb2,
    identity_pb2_grpc,
    plugins_pb2,
    plugins_pb2_grpc,
    processes_pb2,
    processes_pb2_grpc,
)

from .convert import to_python, to_struct

Json = Dict[str, Any]
Metadata = Tuple[Tuple[str, str], ...]

DEFAULT_TARGET = "127.0.0.1:50051"


class MetagovError(Exception):
    """A failed call.

    ``code`` is the :class:`grpc.StatusCode` (``NOT_FOUND``, ``INVALID_ARGUMENT``, ...), ``details`` the
    server's message (e.g. ``"Validation error: /default_low: ..."``).
    """

    def __init__(self, code: grpc.StatusCode, details: str):
        super().__init__(f"{code.name}: {details}")
        self.code = code
        self.details = details

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError) -> "MetagovError":
        """The error of a failed grpcio call (an ``RpcError`` that is also a ``grpc.Call``)."""
        code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
        details = error.details() if hasattr(error, "details") else str(error)
        return cls(code if code is not None else grpc.StatusCode.UNKNOWN, details or "")


class Stream(Iterator[Json]):
    """A server stream (``Events.Subscribe``, ``Processes.WatchProcess``) as an iterator of dicts.

    Iteration ends when the server ends the stream, or after :meth:`cancel` (which may be called from any
    thread, also while another thread is blocked in ``next()``; the server sees the cancellation). A failure
    (including an expired ``timeout``: ``DEADLINE_EXCEEDED``) is raised as :class:`MetagovError`. Used as a
    context manager, the stream is cancelled on exit.
    """

    def __init__(self, call: Any):
        self._call = call
        self._cancelled = threading.Event()

    def __iter__(self) -> "Stream":
        return self

    def __next__(self) -> Json:
        try:
            message = next(self._call)
        except grpc.RpcError as error:
            if self._cancelled.is_set() and error.code() == grpc.StatusCode.CANCELLED:
                raise StopIteration from None
            raise MetagovError.from_rpc_error(error) from None
        return to_python(message)

    def cancel(self) -> None:
        """Cancels the call; iteration then stops (``StopIteration``) instead of raising ``CANCELLED``."""
        self._cancelled.set()
        self._call.cancel()

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._cancelled.is_set()

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.cancel()


# The name of earlier versions.
EventStream = Stream


def _status_code(enum: Any, prefix: str, status: str) -> int:
    """``"pending"`` → the number of ``PREFIX_PENDING`` in ``enum`` ("" → 0, unspecified)."""
    if not status:
        return 0
    try:
        return enum.Value(f"{prefix}{status.upper()}")
    except ValueError:
        known = ", ".join(name[len(prefix):].lower() for name in enum.keys() if not name.endswith("UNSPECIFIED"))
        raise ValueError(f"unknown status {status!r} (use one of {known})") from None


class MetagovClient:
    """A connection to a metagov-swift server.

    :param target: ``host:port`` (default ``$METAGOV_SERVER``, else ``127.0.0.1:50051``).
    :param token: API token, sent as ``authorization: Bearer TOKEN`` on every call (default
        ``$METAGOV_TOKEN``; ``""`` sends none).
    :param timeout: deadline in seconds of each unary call (``None``: no deadline). Streams take their own
        ``timeout`` argument and have no deadline by default.
    :param credentials: channel credentials for TLS (default: a plaintext channel, or TLS with ``tls``).
    :param tls: connect over TLS, verifying the server against ``root_certificates`` (PEM bytes; default the
        system's trust store); with ``certificate_chain`` and ``private_key`` (PEM bytes) the client presents
        its own certificate (mTLS).
    :param options: further grpcio channel options, e.g. ``[("grpc.max_receive_message_length", 8 << 20)]``.

    Every method takes and returns plain Python values: free-form JSON (``google.protobuf.Struct``) as dicts,
    messages as dicts keyed by their ``.proto`` field names with every field present (unset sub-messages as
    ``None``, timestamps as RFC 3339 strings, enums by name, 64-bit integers as ``int``). Failures raise
    :class:`MetagovError`. Use it as a context manager to close the channel.
    """

    def __init__(self, target: Optional[str] = None, token: Optional[str] = None, timeout: Optional[float] = 30.0,
                 credentials: Optional[grpc.ChannelCredentials] = None,
                 options: Optional[Sequence[Tuple[str, Any]]] = None, tls: bool = False,
                 root_certificates: Optional[bytes] = None, certificate_chain: Optional[bytes] = None,
                 private_key: Optional[bytes] = None):
        self.target = target or os.environ.get("METAGOV_SERVER") or DEFAULT_TARGET
        self.token = token if token is not None else os.environ.get("METAGOV_TOKEN")
        self.timeout = timeout
        channel_options = list(options or [])
        if credentials is None and (tls or root_certificates or certificate_chain):
            credentials = grpc.ssl_channel_credentials(root_certificates=root_certificates, private_key=private_key,
                                                       certificate_chain=certificate_chain)
        if credentials is not None:
            self.channel = grpc.secure_channel(self.target, credentials, options=channel_options)
        else:
            self.channel = grpc.insecure_channel(self.target, options=channel_options)
        self.communities = communities_pb2_grpc.CommunitiesStub(self.channel)
        self.plugins = plugins_pb2_grpc.PluginsStub(self.channel)
        self.actions = actions_pb2_grpc.ActionsStub(self.channel)
        self.processes = processes_pb2_grpc.ProcessesStub(self.channel)
        self.events = events_pb2_grpc.EventsStub(self.channel)
        self.identity = identity_pb2_grpc.IdentityStub(self.channel)

    def close(self) -> None:
        """Closes the channel (calls in flight are cancelled)."""
        self.channel.close()

    def __enter__(self) -> "MetagovClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def metadata(self) -> Metadata:
        """The metadata sent with every call."""
        return (("authorization", f"Bearer {self.token}"),) if self.token else ()

    def _call(self, method: Callable[..., Any], request: Message) -> Any:
        try:
            return method(request, timeout=self.timeout, metadata=self.metadata)
        except grpc.RpcError as error:
            raise MetagovError.from_rpc_error(error) from None

    def _json(self, method: Callable[..., Any], request: Message) -> Json:
        return to_python(self._call(method, request))

    def _stream(self, method: Callable[..., Any], request: Message, timeout: Optional[float]) -> Stream:
        return Stream(method(request, timeout=timeout, metadata=self.metadata))

    # Communities

    def create_community(self, readable_name: str, slug: str = "") -> Json:
        """Creates a community (a UUID slug is generated when ``slug`` is empty). ALREADY_EXISTS if taken."""
        return self._json(self.communities.CreateCommunity,
                          communities_pb2.CreateCommunityRequest(slug=slug, readable_name=readable_name))

    def get_community(self, slug: str) -> Json:
        """The community with its plugin instances. NOT_FOUND if unknown."""
        return self._json(self.communities.GetCommunity, communities_pb2.GetCommunityRequest(slug=slug))

    def update_community(self, slug: str, readable_name: str) -> Json:
        """Renames a community."""
        return self._json(self.communities.UpdateCommunity,
                          communities_pb2.UpdateCommunityRequest(slug=slug, readable_name=readable_name))

    def delete_community(self, slug: str) -> Json:
        """Deletes a community with its plugins, processes, identities and events; returns what was deleted."""
        response = self._call(self.communities.DeleteCommunity, communities_pb2.DeleteCommunityRequest(slug=slug))
        return to_python(response.community)

    def list_communities(self, page_size: int = 0, page_token: str = "") -> Json:
        """One page: ``{"communities": [...], "next_page_token": "..."}`` (``""`` after the last page)."""
        return self._json(self.communities.ListCommunities,
                          communities_pb2.ListCommunitiesRequest(page_size=page_size, page_token=page_token))

    # Plugins

    def list_plugin_types(self) -> List[Json]:
        """Every plugin type: name, description, config_schema, actions, processes, event_types, ..."""
        return self._json(self.plugins.ListPluginTypes, plugins_pb2.ListPluginTypesRequest())["types"]

    def enable_plugin(self, community: str, name: str, config: Optional[Json] = None) -> Json:
        """Enables (or reconfigures) plugin ``name`` for ``community``; ``config`` is checked against the
        type's JSON-Schema (INVALID_ARGUMENT "Validation error ..." if it does not match)."""
        return self._json(self.plugins.EnablePlugin, plugins_pb2.EnablePluginRequest(
            community=community, name=name, config=to_struct(config)))

    def disable_plugin(self, community: str, name: str, community_platform_id: str = "", id: int = 0) -> Json:
        """Disables a plugin instance (by ``id``, else ``community_platform_id``, else the only one)."""
        response = self._call(self.plugins.DisablePlugin, plugins_pb2.DisablePluginRequest(
            community=community, name=name, community_platform_id=community_platform_id, id=id))
        return to_python(response.plugin)

    def list_plugins(self, community: str) -> List[Json]:
        """The plugin instances enabled for ``community``."""
        return self._json(self.plugins.ListPlugins, plugins_pb2.ListPluginsRequest(community=community))["plugins"]

    def deliver_webhook(self, community: str, plugin: str, body: bytes, headers: Optional[Dict[str, str]] = None,
                        community_platform_id: str = "") -> Json:
        """Hands a platform webhook to a plugin: ``{"receiver_ran": bool, "process_ids": [...]}``."""
        return self._json(self.plugins.DeliverWebhook, plugins_pb2.DeliverWebhookRequest(
            community=community, plugin=plugin, headers=headers or {}, body=body,
            community_platform_id=community_platform_id))

    # Actions

    def perform_action(self, community: str, plugin: str, action: str, parameters: Optional[Json] = None,
                       community_platform_id: str = "") -> Optional[Json]:
        """Performs ``plugin.action`` and returns its result (a dict; a non-object result comes as
        ``{"value": ...}``). FAILED_PRECONDITION if the plugin is not enabled for the community."""
        response = self._call(self.actions.PerformAction, actions_pb2.PerformActionRequest(
            community=community, plugin=plugin, action=action, parameters=to_struct(parameters),
            community_platform_id=community_platform_id))
        return to_python(response)["result"]

    # Processes

    def start_process(self, community: str, plugin: str, process: str, parameters: Optional[Json] = None,
                      callback_url: str = "", community_platform_id: str = "") -> Json:
        """Starts governance process ``plugin.process``; returns it (``status`` e.g. ``PROCESS_STATUS_PENDING``)."""
        return self._json(self.processes.StartProcess, processes_pb2.StartProcessRequest(
            community=community, plugin=plugin, process=process, parameters=to_struct(parameters),
            callback_url=callback_url, community_platform_id=community_platform_id))

    def get_process(self, id: int) -> Json:
        """A process by id. NOT_FOUND if unknown."""
        return self._json(self.processes.GetProcess, processes_pb2.GetProcessRequest(id=id))

    def close_process(self, id: int) -> Json:
        """Closes a process (FAILED_PRECONDITION if it is completed already)."""
        return self._json(self.processes.CloseProcess, processes_pb2.CloseProcessRequest(id=id))

    def list_processes(self, community: str = "", plugin: str = "", process: str = "", status: str = "",
                       page_size: int = 0, page_token: str = "") -> Json:
        """One page: ``{"processes": [...], "next_page_token": "..."}``. ``status`` is ``created``,
        ``pending`` or ``completed`` (``""``: any)."""
        code = _status_code(common_pb2.ProcessStatus, "PROCESS_STATUS_", status)
        return self._json(self.processes.ListProcesses, processes_pb2.ListProcessesRequest(
            community=community, plugin=plugin, process=process, status=code, page_size=page_size,
            page_token=page_token))

    def watch_process(self, id: int, timeout: Optional[float] = None) -> Stream:
        """The process now, then each change of it; the stream ends after the process completes."""
        return self._stream(self.processes.WatchProcess, processes_pb2.WatchProcessRequest(id=id), timeout)

    # Events

    def subscribe(self, community: str = "", plugins: Optional[List[str]] = None,
                  event_types: Optional[List[str]] = None, after_cursor: int = 0,
                  timeout: Optional[float] = None) -> Stream:
        """Every stored event after ``after_cursor`` that matches the filters, then live ones (no gap, no
        duplicate), until cancelled. Resume with the ``cursor`` of the last event seen."""
        request = events_pb2.SubscribeRequest(community=community, plugins=plugins or [],
                                              event_types=event_types or [], after_cursor=after_cursor)
        return self._stream(self.events.Subscribe, request, timeout)

    def create_webhook(self, community: str, url: str, event_types: Optional[List[str]] = None,
                       plugins: Optional[List[str]] = None, secret: str = "") -> Json:
        """Subscribes ``url`` to the community's events (signed with HMAC-SHA256 under ``secret`` if given)."""
        return self._json(self.events.CreateWebhook, events_pb2.CreateWebhookRequest(
            community=community, url=url, event_types=event_types or [], plugins=plugins or [], secret=secret))

    def list_webhooks(self, community: str = "") -> List[Json]:
        """The webhook subscriptions (of one community, or all)."""
        return self._json(self.events.ListWebhooks, events_pb2.ListWebhooksRequest(community=community))["webhooks"]

    def update_webhook(self, id: int, url: Optional[str] = None, event_types: Optional[List[str]] = None,
                       plugins: Optional[List[str]] = None, secret: Optional[str] = None) -> Json:
        """Sets only the fields given (lists may be emptied with ``[]``)."""
        fields = [name for name, value in (("url", url), ("event_types", event_types), ("plugins", plugins),
                                           ("secret", secret)) if value is not None]
        return self._json(self.events.UpdateWebhook, events_pb2.UpdateWebhookRequest(
            id=id, url=url or "", event_types=event_types or [], plugins=plugins or [], secret=secret or "",
            update_fields=fields))

    def delete_webhook(self, id: int) -> Json:
        """Deletes a webhook subscription; returns it."""
        return to_python(self._call(self.events.DeleteWebhook, events_pb2.DeleteWebhookRequest(id=id)).webhook)

    def list_deliveries(self, webhook_id: int = 0, status: str = "", community: str = "", page_size: int = 0,
                        page_token: str = "") -> Json:
        """One page of the outbox: ``{"deliveries": [...], "next_page_token": "..."}``. ``status`` is
        ``pending``, ``delivered`` or ``failed`` (``""``: any)."""
        code = _status_code(events_pb2.DeliveryStatus, "DELIVERY_STATUS_", status)
        return self._json(self.events.ListDeliveries, events_pb2.ListDeliveriesRequest(
            webhook_id=webhook_id, status=code, community=community, page_size=page_size, page_token=page_token))

    def redeliver(self, id: int) -> Json:
        """Queues delivery ``id`` again (e.g. a failed one); returns it."""
        return self._json(self.events.RedeliverDelivery, events_pb2.RedeliverDeliveryRequest(id=id))

    # Identity

    def create_id(self, community: str, count: int = 1) -> List[int]:
        """``count`` new metagov ids (external ids) in ``community``."""
        response = self._call(self.identity.CreateId, identity_pb2.CreateIdRequest(community=community, count=count))
        return list(response.external_ids)

    def link_account(self, community: str, external_id: int, platform_type: str, platform_identifier: str,
                     community_platform_id: str = "", custom_data: Optional[Json] = None,
                     link_type: str = "", link_quality: str = "") -> Json:
        """Links a platform account to a metagov id (``link_quality``: ``unknown``, ``unconfirmed``,
        ``confirmed_by_user``, ``confirmed_by_governance``). ALREADY_EXISTS unless it improves the quality."""
        account = identity_pb2.LinkedAccount(
            community=community, external_id=external_id, platform_type=platform_type,
            platform_identifier=platform_identifier, community_platform_id=community_platform_id,
            custom_data=to_struct(custom_data), link_type=link_type, link_quality=link_quality)
        return self._json(self.identity.LinkAccount, identity_pb2.LinkAccountRequest(account=account))

    def unlink_account(self, community: str, platform_type: str, platform_identifier: str,
                       community_platform_id: str = "") -> None:
        """Removes a linked account."""
        self._call(self.identity.UnlinkAccount, identity_pb2.UnlinkAccountRequest(
            community=community, platform_type=platform_type, platform_identifier=platform_identifier,
            community_platform_id=community_platform_id))

    def get_user(self, community: str, external_id: int) -> Json:
        """``{"external_id": primary id, "linked_accounts": [...]}`` of the id's group."""
        return self._json(self.identity.GetUser,
                          identity_pb2.GetUserRequest(community=community, external_id=external_id))

    def get_users(self, community: str, platform_type: str = "", community_platform_id: str = "") -> List[Json]:
        """The users with an account on ``platform_type`` (or all)."""
        return self._json(self.identity.GetUsers, identity_pb2.GetUsersRequest(
            community=community, platform_type=platform_type, community_platform_id=community_platform_id))["users"]

    def filter_users_by_account(self, community: str, platform_type: str = "", platform_identifier: str = "",
                                community_platform_id: str = "") -> List[Json]:
        """The users whose linked accounts match the filters."""
        return self._json(self.identity.FilterUsersByAccount, identity_pb2.FilterUsersByAccountRequest(
            community=community, platform_type=platform_type, platform_identifier=platform_identifier,
            community_platform_id=community_platform_id))["users"]

    def get_linked_account(self, community: str, external_id: int, platform_type: str,
                           community_platform_id: str = "") -> Json:
        """The user's account on ``platform_type``. NOT_FOUND if none."""
        return self._json(self.identity.GetLinkedAccount, identity_pb2.GetLinkedAccountRequest(
            community=community, external_id=external_id, platform_type=platform_type,
            community_platform_id=community_platform_id))

    def merge_ids(self, community: str, primary_id: int, secondary_id: int) -> Json:
        """Merges ``secondary_id`` into ``primary_id``; returns the merged user."""
        return self._json(self.identity.MergeIds, identity_pb2.MergeIdsRequest(
            community=community, primary_id=primary_id, secondary_id=secondary_id))
