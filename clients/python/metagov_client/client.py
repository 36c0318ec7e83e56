"""A small typed wrapper over the generated gRPC stubs."""

from __future__ import annotations

import os
from typing import Any, Dict, Iterator, List, Optional

import grpc

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


class MetagovError(Exception):
    """A failed call: ``code`` is the :class:`grpc.StatusCode`, ``details`` the server's message."""

    def __init__(self, code: grpc.StatusCode, details: str):
        super().__init__(f"{code.name}: {details}")
        self.code = code
        self.details = details


class EventStream:
    """An iterator over a server stream (events or process states) that can be cancelled from any thread."""

    def __init__(self, call: Any):
        self._call = call

    def __iter__(self) -> "EventStream":
        return self

    def __next__(self) -> Json:
        try:
            return to_python(next(self._call))
        except grpc.RpcError as error:
            raise MetagovError(error.code(), error.details()) from None

    def cancel(self) -> None:
        """Ends the stream (the server sees the cancellation); iteration then raises CANCELLED."""
        self._call.cancel()

    def __enter__(self) -> "EventStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.cancel()


class MetagovClient:
    """Calls a metagov-swift server.

    ``target`` is ``host:port`` (default ``$METAGOV_SERVER`` or ``127.0.0.1:50051``); ``token`` is sent as
    ``authorization: Bearer TOKEN`` (default ``$METAGOV_TOKEN``); ``timeout`` (seconds) applies to each
    unary call; streams take their own ``timeout`` (none by default).
    """

    def __init__(self, target: Optional[str] = None, token: Optional[str] = None, timeout: Optional[float] = 30.0):
        self.target = target or os.environ.get("METAGOV_SERVER", "127.0.0.1:50051")
        self.token = token if token is not None else os.environ.get("METAGOV_TOKEN")
        self.timeout = timeout
        self.channel = grpc.insecure_channel(self.target)
        self.communities = communities_pb2_grpc.CommunitiesStub(self.channel)
        self.plugins = plugins_pb2_grpc.PluginsStub(self.channel)
        self.actions = actions_pb2_grpc.ActionsStub(self.channel)
        self.processes = processes_pb2_grpc.ProcessesStub(self.channel)
        self.events = events_pb2_grpc.EventsStub(self.channel)
        self.identity = identity_pb2_grpc.IdentityStub(self.channel)

    def close(self) -> None:
        self.channel.close()

    def __enter__(self) -> "MetagovClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _metadata(self):
        return (("authorization", f"Bearer {self.token}"),) if self.token else ()

    def _call(self, method, request) -> Any:
        try:
            return method(request, timeout=self.timeout, metadata=self._metadata())
        except grpc.RpcError as error:
            raise MetagovError(error.code(), error.details()) from None

    def _stream(self, method, request, timeout: Optional[float]) -> EventStream:
        return EventStream(method(request, timeout=timeout, metadata=self._metadata()))

    # Communities

    def create_community(self, readable_name: str, slug: str = "") -> Json:
        return to_python(self._call(self.communities.CreateCommunity,
                                    communities_pb2.CreateCommunityRequest(slug=slug, readable_name=readable_name)))

    def get_community(self, slug: str) -> Json:
        return to_python(self._call(self.communities.GetCommunity, communities_pb2.GetCommunityRequest(slug=slug)))

    def update_community(self, slug: str, readable_name: str) -> Json:
        return to_python(self._call(self.communities.UpdateCommunity,
                                    communities_pb2.UpdateCommunityRequest(slug=slug, readable_name=readable_name)))

    def delete_community(self, slug: str) -> Json:
        response = self._call(self.communities.DeleteCommunity, communities_pb2.DeleteCommunityRequest(slug=slug))
        return to_python(response.community)

    def list_communities(self, page_size: int = 0, page_token: str = "") -> Json:
        """``{"communities": [...], "next_page_token": "..."}``"""
        return to_python(self._call(self.communities.ListCommunities,
                                    communities_pb2.ListCommunitiesRequest(page_size=page_size, page_token=page_token)))

    # Plugins

    def list_plugin_types(self) -> List[Json]:
        return to_python(self._call(self.plugins.ListPluginTypes, plugins_pb2.ListPluginTypesRequest()))["types"]

    def enable_plugin(self, community: str, name: str, config: Optional[Json] = None) -> Json:
        return to_python(self._call(self.plugins.EnablePlugin,
                                    plugins_pb2.EnablePluginRequest(community=community, name=name, config=to_struct(config))))

    def disable_plugin(self, community: str, name: str, community_platform_id: str = "", id: int = 0) -> Json:
        response = self._call(self.plugins.DisablePlugin, plugins_pb2.DisablePluginRequest(
            community=community, name=name, community_platform_id=community_platform_id, id=id))
        return to_python(response.plugin)

    def list_plugins(self, community: str) -> List[Json]:
        return to_python(self._call(self.plugins.ListPlugins, plugins_pb2.ListPluginsRequest(community=community)))["plugins"]

    def deliver_webhook(self, community: str, plugin: str, body: bytes, headers: Optional[Dict[str, str]] = None,
                        community_platform_id: str = "") -> Json:
        return to_python(self._call(self.plugins.DeliverWebhook, plugins_pb2.DeliverWebhookRequest(
            community=community, plugin=plugin, headers=headers or {}, body=body,
            community_platform_id=community_platform_id)))

    # Actions

    def perform_action(self, community: str, plugin: str, action: str, parameters: Optional[Json] = None,
                       community_platform_id: str = "") -> Any:
        """The action's result (a dict)."""
        response = self._call(self.actions.PerformAction, actions_pb2.PerformActionRequest(
            community=community, plugin=plugin, action=action, parameters=to_struct(parameters),
            community_platform_id=community_platform_id))
        return to_python(response)["result"]

    # Processes

    def start_process(self, community: str, plugin: str, process: str, parameters: Optional[Json] = None,
                      callback_url: str = "", community_platform_id: str = "") -> Json:
        return to_python(self._call(self.processes.StartProcess, processes_pb2.StartProcessRequest(
            community=community, plugin=plugin, process=process, parameters=to_struct(parameters),
            callback_url=callback_url, community_platform_id=community_platform_id)))

    def get_process(self, id: int) -> Json:
        return to_python(self._call(self.processes.GetProcess, processes_pb2.GetProcessRequest(id=id)))

    def close_process(self, id: int) -> Json:
        return to_python(self._call(self.processes.CloseProcess, processes_pb2.CloseProcessRequest(id=id)))

    def list_processes(self, community: str = "", plugin: str = "", process: str = "", status: str = "",
                       page_size: int = 0, page_token: str = "") -> Json:
        """``status`` is ``created``, ``pending`` or ``completed`` (empty: any)."""
        code = common_pb2.ProcessStatus.Value(f"PROCESS_STATUS_{status.upper()}") if status else 0
        return to_python(self._call(self.processes.ListProcesses, processes_pb2.ListProcessesRequest(
            community=community, plugin=plugin, process=process, status=code, page_size=page_size,
            page_token=page_token)))

    def watch_process(self, id: int, timeout: Optional[float] = None) -> EventStream:
        """The process now, then every change; ends after it completes."""
        return self._stream(self.processes.WatchProcess, processes_pb2.WatchProcessRequest(id=id), timeout)

    # Events

    def subscribe(self, community: str = "", plugins: Optional[List[str]] = None,
                  event_types: Optional[List[str]] = None, after_cursor: int = 0,
                  timeout: Optional[float] = None) -> EventStream:
        """Stored events after ``after_cursor``, then live ones (no gap, no duplicate), until cancelled."""
        request = events_pb2.SubscribeRequest(community=community, plugins=plugins or [],
                                              event_types=event_types or [], after_cursor=after_cursor)
        return self._stream(self.events.Subscribe, request, timeout)

    def create_webhook(self, community: str, url: str, event_types: Optional[List[str]] = None,
                       plugins: Optional[List[str]] = None, secret: str = "") -> Json:
        return to_python(self._call(self.events.CreateWebhook, events_pb2.CreateWebhookRequest(
            community=community, url=url, event_types=event_types or [], plugins=plugins or [], secret=secret)))

    def list_webhooks(self, community: str = "") -> List[Json]:
        return to_python(self._call(self.events.ListWebhooks, events_pb2.ListWebhooksRequest(community=community)))["webhooks"]

    def update_webhook(self, id: int, url: Optional[str] = None, event_types: Optional[List[str]] = None,
                       plugins: Optional[List[str]] = None, secret: Optional[str] = None) -> Json:
        """Sets only the fields given (lists may be emptied with [])."""
        fields = [name for name, value in (("url", url), ("event_types", event_types), ("plugins", plugins),
                                           ("secret", secret)) if value is not None]
        return to_python(self._call(self.events.UpdateWebhook, events_pb2.UpdateWebhookRequest(
            id=id, url=url or "", event_types=event_types or [], plugins=plugins or [], secret=secret or "",
            update_fields=fields)))

    def delete_webhook(self, id: int) -> Json:
        return to_python(self._call(self.events.DeleteWebhook, events_pb2.DeleteWebhookRequest(id=id)).webhook)

    def list_deliveries(self, webhook_id: int = 0, status: str = "", community: str = "", page_size: int = 0,
                        page_token: str = "") -> Json:
        """``status`` is ``pending``, ``delivered`` or ``failed`` (empty: any)."""
        code = events_pb2.DeliveryStatus.Value(f"DELIVERY_STATUS_{status.upper()}") if status else 0
        return to_python(self._call(self.events.ListDeliveries, events_pb2.ListDeliveriesRequest(
            webhook_id=webhook_id, status=code, community=community, page_size=page_size, page_token=page_token)))

    def redeliver(self, id: int) -> Json:
        return to_python(self._call(self.events.RedeliverDelivery, events_pb2.RedeliverDeliveryRequest(id=id)))

    # Identity

    def create_id(self, community: str, count: int = 1) -> List[int]:
        response = self._call(self.identity.CreateId, identity_pb2.CreateIdRequest(community=community, count=count))
        return list(response.external_ids)

    def link_account(self, community: str, external_id: int, platform_type: str, platform_identifier: str,
                     community_platform_id: str = "", custom_data: Optional[Json] = None,
                     link_type: str = "", link_quality: str = "") -> Json:
        account = identity_pb2.LinkedAccount(
            community=community, external_id=external_id, platform_type=platform_type,
            platform_identifier=platform_identifier, community_platform_id=community_platform_id,
            custom_data=to_struct(custom_data), link_type=link_type, link_quality=link_quality)
        return to_python(self._call(self.identity.LinkAccount, identity_pb2.LinkAccountRequest(account=account)))

    def unlink_account(self, community: str, platform_type: str, platform_identifier: str,
                       community_platform_id: str = "") -> None:
        self._call(self.identity.UnlinkAccount, identity_pb2.UnlinkAccountRequest(
            community=community, platform_type=platform_type, platform_identifier=platform_identifier,
            community_platform_id=community_platform_id))

    def get_user(self, community: str, external_id: int) -> Json:
        return to_python(self._call(self.identity.GetUser,
                                    identity_pb2.GetUserRequest(community=community, external_id=external_id)))

    def get_users(self, community: str, platform_type: str = "", community_platform_id: str = "") -> List[Json]:
        return to_python(self._call(self.identity.GetUsers, identity_pb2.GetUsersRequest(
            community=community, platform_type=platform_type, community_platform_id=community_platform_id)))["users"]

    def filter_users_by_account(self, community: str, platform_type: str = "", platform_identifier: str = "",
                                community_platform_id: str = "") -> List[Json]:
        return to_python(self._call(self.identity.FilterUsersByAccount, identity_pb2.FilterUsersByAccountRequest(
            community=community, platform_type=platform_type, platform_identifier=platform_identifier,
            community_platform_id=community_platform_id)))["users"]

    def get_linked_account(self, community: str, external_id: int, platform_type: str,
                           community_platform_id: str = "") -> Json:
        return to_python(self._call(self.identity.GetLinkedAccount, identity_pb2.GetLinkedAccountRequest(
            community=community, external_id=external_id, platform_type=platform_type,
            community_platform_id=community_platform_id)))

    def merge_ids(self, community: str, primary_id: int, secondary_id: int) -> Json:
        return to_python(self._call(self.identity.MergeIds, identity_pb2.MergeIdsRequest(
            community=community, primary_id=primary_id, secondary_id=secondary_id)))
