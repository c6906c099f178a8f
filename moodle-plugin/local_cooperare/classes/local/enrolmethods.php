<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace local_cooperare\local;

use context_course;
use invalid_parameter_exception;
use moodle_exception;
use stdClass;

/**
 * Self enrolment (enrol_self) and guest access (enrol_guest) instances of a course: one of each per course, plus any
 * number of keyed self enrolment instances (one per event of an events course, each with its own dates and capacity).
 *
 * The managed instance is the one the plugin wrote (local_cooperare_item, kind enrolmethod, idnumber the method),
 * else the course's first instance of that method not managed under a key — usually the disabled one Moodle adds to
 * every new course — else a new one. A keyed instance (idnumber 'self:KEY') is only ever the one the plugin wrote
 * under that key, else a new one; with a group name, the course group whose idnumber is the key is created or renamed,
 * the instance's users are put into it, and the observer puts later ones there as they enrol. Self enrolment: status, name, enrolment start and end dates, role, an optional cohort whose members
 * alone may enrol, and whether new enrolments are allowed. Guest access: status and name (guests get the site's guest
 * role; the guest password is left as it is).
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class enrolmethods {
    /** @var string[] The methods managed. */
    public const METHODS = ['self', 'guest'];

    /**
     * The enrolment plugin, which must be enabled on the site.
     *
     * @param string $method self or guest
     * @param string $what
     * @return \enrol_plugin
     */
    private static function plugin(string $method, string $what): \enrol_plugin {
        if (!enrol_is_enabled($method)) {
            throw new moodle_exception('enrolmethoddisabled', 'local_cooperare', '', $what);
        }
        return enrol_get_plugin($method);
    }

    /**
     * The managed instance of a method in a course, or null.
     *
     * @param int $courseid
     * @param string $method
     * @return stdClass|null
     */
    private static function instance(int $courseid, string $method, string $key): ?stdClass {
        global $DB;
        $instances = $DB->get_records('enrol', ['courseid' => $courseid, 'enrol' => $method], 'id');
        if ($key !== '') {
            $row = items::get($courseid, items::KIND_ENROLMETHOD, self::idnumber($method, $key));
            return $row && isset($instances[$row->objectid]) ? $instances[$row->objectid] : null;
        }
        foreach (items::get_all($courseid, items::KIND_ENROLMETHOD) as $idnumber => $row) {
            if ($idnumber !== $method) {
                unset($instances[$row->objectid]);
            }
        }
        return items::managed_or_first($courseid, items::KIND_ENROLMETHOD, $method, $instances);
    }

    /**
     * The item idnumber of an instance: the method, or 'self:KEY' for a keyed self enrolment.
     *
     * @param string $method
     * @param string $key
     * @return string
     */
    public static function idnumber(string $method, string $key): string {
        return $key === '' ? $method : "{$method}:{$key}";
    }

    /**
     * The group of a keyed instance: the course's group whose idnumber is the key, or null.
     *
     * @param int $courseid
     * @param string $key
     * @return stdClass|null
     */
    public static function group(int $courseid, string $key): ?stdClass {
        global $DB;
        if ($key === '') {
            return null;
        }
        $groups = $DB->get_records('groups', ['courseid' => $courseid, 'idnumber' => $key], 'id', 'id, name');
        return $groups ? reset($groups) : null;
    }

    /**
     * A keyed self enrolment instance the plugin wrote: by its id, else by its key (the first course holding it).
     *
     * @param int $enrolid 0 to look the key up
     * @param string $key
     * @return stdClass|null the enrol record
     */
    public static function keyed_instance(int $enrolid, string $key): ?stdClass {
        global $DB;
        $like = $DB->sql_like('idnumber', ':prefix');
        $params = ['kind' => items::KIND_ENROLMETHOD, 'prefix' => 'self:%'];
        if ($enrolid > 0) {
            $where = "kind = :kind AND objectid = :objectid AND {$like}";
            $params['objectid'] = $enrolid;
        } else if ($key !== '') {
            $where = 'kind = :kind AND idnumber = :idnumber';
            $params['idnumber'] = self::idnumber('self', $key);
        } else {
            return null;
        }
        foreach ($DB->get_records_select(items::TABLE, $where, $params, 'id') as $row) {
            $instance = $DB->get_record('enrol', ['id' => $row->objectid, 'courseid' => $row->courseid,
                'enrol' => 'self']);
            if ($instance) {
                return $instance;
            }
        }
        return null;
    }

    /**
     * The key of a keyed instance the plugin wrote ('' for any other instance).
     *
     * @param stdClass $instance
     * @return string
     */
    public static function key_of_instance(stdClass $instance): string {
        global $DB;
        $like = $DB->sql_like('idnumber', ':prefix');
        $idnumber = $DB->get_field_select(items::TABLE, 'idnumber', "kind = :kind AND objectid = :objectid AND {$like}",
            ['kind' => items::KIND_ENROLMETHOD, 'objectid' => $instance->id, 'prefix' => 'self:%'], IGNORE_MULTIPLE);
        return $idnumber === false ? '' : self::key_of((string) $idnumber);
    }

    /**
     * The key of a keyed instance from its item idnumber ('' for the course's single instance of a method).
     *
     * @param string $idnumber
     * @return string
     */
    public static function key_of(string $idnumber): string {
        $parts = explode(':', $idnumber, 2);
        return $parts[1] ?? '';
    }

    /**
     * Managed fields of an instance, as strings.
     *
     * @param stdClass $instance
     * @return array
     */
    public static function state(stdClass $instance, string $key = ''): array {
        $state = [
            'status' => (string) (int) $instance->status,
            'name' => (string) $instance->name,
        ];
        if ($instance->enrol === 'self') {
            $state += [
                'enrolstartdate' => (string) (int) $instance->enrolstartdate,
                'enrolenddate' => (string) (int) $instance->enrolenddate,
                'roleid' => (string) (int) $instance->roleid,
                'cohortid' => (string) (int) $instance->customint5,
                'newenrols' => (string) (int) $instance->customint6,
                'maxenrolled' => (string) (int) $instance->customint3,
            ];
            if ($key !== '') {
                $group = self::group((int) $instance->courseid, $key);
                $state['groupname'] = $group ? (string) $group->name : '';
            }
        }
        return $state;
    }

    /**
     * Check one item and turn it into the desired managed fields.
     *
     * @param context_course $context
     * @param array $item
     * @param string $what
     * @return array desired state (see state())
     */
    private static function desired(context_course $context, array $item, string $what): array {
        global $CFG, $DB;
        if (!in_array((int) $item['status'], [ENROL_INSTANCE_ENABLED, ENROL_INSTANCE_DISABLED], true)) {
            throw new invalid_parameter_exception("{$what}: status must be 0 (enabled) or 1 (disabled)");
        }
        if (\core_text::strlen($item['name']) > 255) {
            throw new invalid_parameter_exception("{$what}: the name is longer than 255 characters");
        }
        $desired = ['status' => (string) (int) $item['status'], 'name' => $item['name']];
        if ($item['method'] === 'guest') {
            if ($item['enrolstartdate'] || $item['enrolenddate'] || $item['cohortidnumber'] !== '') {
                throw new invalid_parameter_exception("{$what}: guest access has no enrolment dates and no cohort");
            }
            if ($item['key'] !== '' || $item['groupname'] !== '' || $item['maxenrolled']) {
                throw new invalid_parameter_exception("{$what}: guest access has one instance per course, no key, "
                    . "no group and no capacity");
            }
            return $desired;
        }
        if ($item['enrolstartdate'] < 0 || $item['enrolenddate'] < 0) {
            throw new invalid_parameter_exception("{$what}: enrolment dates must be 0 (none) or a time");
        }
        if ($item['enrolenddate'] && $item['enrolenddate'] < $item['enrolstartdate']) {
            throw new invalid_parameter_exception("{$what}: the enrolment end date is before the start date");
        }
        if (!in_array((int) $item['newenrols'], [0, 1], true)) {
            throw new invalid_parameter_exception("{$what}: newenrols must be 0 or 1");
        }
        if ($item['maxenrolled'] < 0) {
            throw new invalid_parameter_exception("{$what}: maxenrolled must be 0 (no limit) or more");
        }
        $role = $DB->get_record('role', ['shortname' => $item['role']]);
        if (!$role || !array_key_exists($role->id, get_assignable_roles($context, ROLENAME_SHORT))) {
            throw new invalid_parameter_exception("{$what}: role '{$item['role']}' cannot be assigned in this course");
        }
        $cohortid = 0;
        if ($item['cohortidnumber'] !== '') {
            require_once($CFG->dirroot . '/cohort/lib.php');
            $cohortid = (int) cohortsync::cohort($item['cohortidnumber'], $context, $what)->id;
        }
        if (\core_text::strlen($item['key']) > 100) {
            throw new invalid_parameter_exception("{$what}: the key is longer than 100 characters");
        }
        if ($item['groupname'] !== '' && $item['key'] === '') {
            throw new invalid_parameter_exception("{$what}: only a keyed instance puts its users into a group");
        }
        if (\core_text::strlen($item['groupname']) > 254) {
            throw new invalid_parameter_exception("{$what}: the group name is longer than 254 characters");
        }
        $desired += [
            'enrolstartdate' => (string) (int) $item['enrolstartdate'],
            'enrolenddate' => (string) (int) $item['enrolenddate'],
            'roleid' => (string) (int) $role->id,
            'cohortid' => (string) $cohortid,
            'newenrols' => (string) (int) $item['newenrols'],
            'maxenrolled' => (string) (int) $item['maxenrolled'],
        ];
        if ($item['groupname'] !== '') {
            $desired['groupname'] = $item['groupname'];
        }
        return $desired;
    }

    /**
     * Instance fields of a desired state.
     *
     * @param array $desired
     * @return array
     */
    private static function fields(array $desired): array {
        $fields = ['status' => (int) $desired['status'], 'name' => $desired['name']];
        if (isset($desired['roleid'])) {
            $fields += [
                'enrolstartdate' => (int) $desired['enrolstartdate'],
                'enrolenddate' => (int) $desired['enrolenddate'],
                'roleid' => (int) $desired['roleid'],
                'customint5' => (int) $desired['cohortid'],
                'customint6' => (int) $desired['newenrols'],
                'customint3' => (int) $desired['maxenrolled'],
            ];
        }
        return $fields;
    }

    /**
     * Create or update the self or guest instance of one course.
     *
     * @param stdClass $course
     * @param context_course $context
     * @param array $item one validated item of save_enrol_methods
     * @return array result item
     */
    public static function save(stdClass $course, context_course $context, array $item): array {
        global $DB;
        $method = $item['method'];
        $key = (string) $item['key'];
        $what = "{$method} enrolment" . ($key === '' ? '' : " '{$key}'") . " of course {$course->id}";
        if (!in_array($method, self::METHODS, true)) {
            throw new invalid_parameter_exception("{$what}: method must be one of " . implode(', ', self::METHODS));
        }
        require_capability("enrol/{$method}:config", $context);
        $plugin = self::plugin($method, $what);
        $spechash = util::check_spechash($item['spechash'], $what);
        $desired = self::desired($context, $item, $what);

        $instance = self::instance((int) $course->id, $method, $key);
        $changed = [];
        if (!$instance) {
            $fields = self::fields($desired);
            if ($method === 'self') {
                // The rest as Moodle's defaults for a new self enrolment instance.
                $fields += ['customint1' => 0, 'customint2' => 0, 'customint4' => 0,
                    'enrolperiod' => 0, 'expirynotify' => 0, 'expirythreshold' => 86400];
            }
            $enrolid = (int) $plugin->add_instance($course, $fields);
            $action = 'created';
            $changed = array_keys($desired);
        } else {
            $enrolid = (int) $instance->id;
            $current = self::state($instance, $key);
            foreach ($desired as $field => $value) {
                if ($current[$field] !== $value) {
                    $changed[] = $field;
                }
            }
            $action = $changed ? 'updated' : 'unchanged';
            if (in_array('status', $changed, true)) {
                $plugin->update_status($instance, (int) $desired['status']);
                $instance = $DB->get_record('enrol', ['id' => $enrolid], '*', MUST_EXIST);
            }
            if (array_diff($changed, ['status', 'groupname'])) {
                $data = clone $instance;
                foreach (self::fields($desired) as $field => $value) {
                    $data->$field = $value;
                }
                if ($method === 'self' && $instance->notifyall && $instance->expirynotify) {
                    // enrol_self_plugin::update_instance() reads the form's single value: 2 = notify all.
                    $data->expirynotify = 2;
                }
                $plugin->update_instance($instance, $data);
            }
        }
        $instance = $DB->get_record('enrol', ['id' => $enrolid], '*', MUST_EXIST);
        if (isset($desired['groupname'])) {
            self::save_group($instance, $key, $desired['groupname']);
        }
        items::save((int) $course->id, items::KIND_ENROLMETHOD, self::idnumber($method, $key), $enrolid, $spechash,
            '', util::hash(self::state($instance, $key)));
        return [
            'courseid' => (int) $course->id,
            'method' => $method,
            'key' => $key,
            'enrolid' => $enrolid,
            'action' => $action,
            'changed' => $changed,
        ];
    }

    /**
     * The group of a keyed instance: created or renamed as asked, with every user of the instance in it.
     *
     * @param stdClass $instance
     * @param string $key
     * @param string $name
     * @return void
     */
    private static function save_group(stdClass $instance, string $key, string $name): void {
        global $CFG, $DB;
        require_once($CFG->dirroot . '/group/lib.php');
        $group = self::group((int) $instance->courseid, $key);
        if (!$group) {
            $groupid = (int) groups_create_group((object) ['courseid' => $instance->courseid, 'idnumber' => $key,
                'name' => $name, 'description' => '']);
        } else {
            $groupid = (int) $group->id;
            if ($group->name !== $name) {
                groups_update_group((object) ['id' => $groupid, 'courseid' => $instance->courseid, 'name' => $name]);
            }
        }
        $missing = $DB->get_fieldset_sql("SELECT ue.userid
              FROM {user_enrolments} ue
         LEFT JOIN {groups_members} gm ON gm.userid = ue.userid AND gm.groupid = :groupid
             WHERE ue.enrolid = :enrolid AND gm.id IS NULL
          ORDER BY ue.userid", ['groupid' => $groupid, 'enrolid' => $instance->id]);
        foreach ($missing as $userid) {
            groups_add_member($groupid, (int) $userid);
        }
    }

    /**
     * A user enrolled through an instance: into the group of the instance when it is a keyed one with a group.
     *
     * @param int $enrolid
     * @param int $userid
     * @return void
     */
    public static function user_enrolled(int $enrolid, int $userid): void {
        global $CFG, $DB;
        $instance = $DB->get_record('enrol', ['id' => $enrolid, 'enrol' => 'self']);
        if (!$instance) {
            return;
        }
        $rows = $DB->get_records(items::TABLE, ['courseid' => $instance->courseid, 'kind' => items::KIND_ENROLMETHOD,
            'objectid' => $instance->id]);
        foreach ($rows as $row) {
            $group = self::group((int) $instance->courseid, self::key_of((string) $row->idnumber));
            if ($group) {
                require_once($CFG->dirroot . '/group/lib.php');
                groups_add_member((int) $group->id, $userid);
            }
        }
    }

    /**
     * Describe the self and guest instances of a course.
     *
     * @param stdClass $course
     * @return array (see get_enrol_methods)
     */
    public static function describe(stdClass $course): array {
        global $DB;
        $managed = [];
        foreach (items::get_all((int) $course->id, items::KIND_ENROLMETHOD) as $row) {
            $managed[(int) $row->objectid] = $row;
        }
        [$insql, $params] = $DB->get_in_or_equal(self::METHODS, SQL_PARAMS_NAMED);
        $params['courseid'] = $course->id;
        $result = [];
        $instances = $DB->get_records_select('enrol', "courseid = :courseid AND enrol {$insql}", $params, 'id');
        foreach ($instances as $instance) {
            $role = $instance->roleid ? $DB->get_record('role', ['id' => $instance->roleid], 'id, shortname') : null;
            $cohort = $instance->enrol === 'self' && $instance->customint5
                ? $DB->get_record('cohort', ['id' => $instance->customint5], 'id, idnumber') : null;
            $row = $managed[(int) $instance->id] ?? null;
            $isself = $instance->enrol === 'self';
            $key = $row ? self::key_of((string) $row->idnumber) : '';
            $group = $isself ? self::group((int) $course->id, $key) : null;
            $result[] = [
                'enrolid' => (int) $instance->id,
                'method' => (string) $instance->enrol,
                'status' => (int) $instance->status,
                'name' => (string) $instance->name,
                'enrolstartdate' => $isself ? (int) $instance->enrolstartdate : 0,
                'enrolenddate' => $isself ? (int) $instance->enrolenddate : 0,
                'role' => $isself && $role ? (string) $role->shortname : '',
                'cohortidnumber' => $cohort ? (string) $cohort->idnumber : '',
                'newenrols' => $isself ? (int) $instance->customint6 : 0,
                'maxenrolled' => $isself ? (int) $instance->customint3 : 0,
                'key' => $key,
                'groupname' => $group ? (string) $group->name : '',
                'haspassword' => (string) $instance->password !== '',
                'managed' => $row !== null,
                'spechash' => $row ? (string) $row->spechash : '',
                'drift' => $row !== null && $row->statehash !== util::hash(self::state($instance, $key)),
            ];
        }
        return $result;
    }
}
